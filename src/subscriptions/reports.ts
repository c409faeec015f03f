// What the publisher reads about the list: counts, and the export in pages.
import { keptCounts } from "./counts.ts";

export interface Stats {
  total: number;
  byStatus: Record<string, number>;
  /** Confirmed subscribers by cadence: who gets which digest. */
  confirmedByCadence: Record<string, number>;
  byStatusAndCadence: { status: string; cadence: string; count: number }[];
  /** Addresses the provider reported: hard bounces and spam complaints, never mailed again. */
  suppressed: { bounced: number; complained: number };
  /** Confirmed readers per topic they chose; `everyTopic`: those who chose none and get all. */
  confirmedByTopic: Record<string, number>;
  confirmedEveryTopic: number;
}

/** From the kept counts (src/subscriptions/counts.ts): the same answer at ten readers or a million. */
export async function subscriberStats(db: D1Database): Promise<Stats> {
  const kept = await keptCounts(db);
  const byStatus: Record<string, number> = { pending: 0, confirmed: 0, unsubscribed: 0, bounced: 0, complained: 0 };
  const confirmedByCadence: Record<string, number> = { instant: 0, daily: 0, weekly: 0 };
  let total = 0;
  for (const r of kept.byStatusAndCadence) {
    total += r.count;
    byStatus[r.status] = (byStatus[r.status] ?? 0) + r.count;
    if (r.status === "confirmed") confirmedByCadence[r.cadence] = r.count;
  }
  return {
    total,
    byStatus,
    confirmedByCadence,
    byStatusAndCadence: kept.byStatusAndCadence,
    suppressed: { bounced: byStatus.bounced ?? 0, complained: byStatus.complained ?? 0 },
    confirmedByTopic: kept.confirmedByTopic,
    confirmedEveryTopic: kept.confirmedEveryTopic,
  };
}

export interface ExportRow {
  id: number;
  email: string;
  cadence: string;
  topics: string;
  status: string;
  created_at: string;
  consent_at: string;
  consent_source: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  suppressed_at: string | null;
  suppressed_reason: string | null;
  /** The reader's language; null: the site's default (exported empty). */
  language: string | null;
}

/** One page of the export, by id after `afterId` (keyset pagination: no OFFSET scans). */
export async function exportPage(db: D1Database, afterId: number, limit: number): Promise<ExportRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, email, cadence, topics, status, created_at, consent_at, consent_source, confirmed_at, unsubscribed_at,
         suppressed_at, suppressed_reason, language
       FROM subscribers WHERE id > ?1 ORDER BY id LIMIT ?2`,
    )
    .bind(afterId, limit)
    .all<ExportRow>();
  return results;
}

/** The export rows of these subscribers, in the order given (a page of a console search). */
export async function exportRowsByIds(db: D1Database, ids: number[]): Promise<ExportRow[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT id, email, cadence, topics, status, created_at, consent_at, consent_source, confirmed_at, unsubscribed_at,
         suppressed_at, suppressed_reason, language
       FROM subscribers WHERE id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(ids))
    .all<ExportRow>();
  const byId = new Map(results.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** RFC 4180 field; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const EXPORT_HEADER =
  "email,cadence,tags,status,created_at,consent_at,consent_source,confirmed_at,unsubscribed_at,suppressed_at,suppressed_reason,language";

export function exportLine(r: ExportRow): string {
  const tags = (JSON.parse(r.topics) as string[]).join(";");
  return [
    r.email,
    r.cadence,
    tags,
    r.status,
    r.created_at,
    r.consent_at,
    r.consent_source,
    r.confirmed_at ?? "",
    r.unsubscribed_at ?? "",
    r.suppressed_at ?? "",
    r.suppressed_reason ?? "",
    r.language ?? "",
  ]
    .map(csvField)
    .join(",");
}
