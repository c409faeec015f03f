// Every edition, newest first, a page at a time, with its figures — for the console's editions list
// and overview — and the other ways the console finds editions: those still going out, and those that
// carried a briefing. Paged by keyset on editions_newest (created_at, id; migrations/0011): page 50
// costs what page 1 does. The cursor is an edition id.
//
// Where the figures come from, so a page never reads an edition's per-recipient ledger rows:
// compacted (a week after it finished, compaction.ts), its edition_totals row; still in its ledger,
// its chunk rows and kept reports (edition-figures.ts).
import { CADENCES } from "../cadences.ts";
import { keptFigures } from "./edition-figures.ts";
import type { EditionRow, EditionStatus } from "./ledger.ts";

export interface EditionFigures {
  recipients: number;
  sent: number;
  failed: number;
  unconfirmed: number;
  skipped: number;
  pending: number;
  delivered: number;
  bounced: number;
  complained: number;
}

export interface EditionSummary extends EditionFigures {
  id: string;
  cadence: string;
  status: EditionStatus;
  items: string[];
  created_at: string;
  completed_at: string | null;
  /** "totals": from the compacted totals; "chunks": from its chunk rows and kept delivery reports. */
  figures: "totals" | "chunks";
}

export interface EditionPage {
  editions: EditionSummary[];
  /** Pass as `before` for the next (older) page; null after the oldest edition. */
  next: string | null;
}

interface Row {
  id: string;
  cadence: string;
  status: EditionStatus;
  items: string;
  recipients: number;
  delivered_extra: number;
  created_at: string;
  completed_at: string | null;
  t_sent: number | null;
  t_failed: number;
  t_unconfirmed: number;
  t_skipped: number;
  t_pending: number;
  t_delivered: number;
  t_bounced: number;
  t_complained: number;
}

export async function listEditions(
  db: D1Database,
  { before, limit = 20 }: { before?: string; limit?: number } = {},
): Promise<EditionPage> {
  const size = Math.min(Math.max(1, Math.trunc(limit)), 100);
  const { results } = await db
    .prepare(
      `SELECT e.id, e.cadence, e.status, e.items, e.recipients, e.delivered AS delivered_extra, e.created_at,
         e.completed_at, t.sent AS t_sent, t.failed AS t_failed, t.unconfirmed AS t_unconfirmed,
         t.skipped AS t_skipped, t.pending AS t_pending, t.delivered AS t_delivered, t.bounced AS t_bounced,
         t.complained AS t_complained
       FROM editions AS e LEFT JOIN edition_totals AS t ON t.edition_id = e.id
       ${before === undefined ? "" : "WHERE (e.created_at, e.id) < (SELECT created_at, id FROM editions WHERE id = ?2)"}
       ORDER BY e.created_at DESC, e.id DESC LIMIT ?1`,
    )
    .bind(size + 1, ...(before === undefined ? [] : [before]))
    .all<Row>();
  const page = results.slice(0, size);
  const live = page.filter((r) => r.t_sent === null).map((r) => r.id);
  const counted = await keptFigures(db, live);
  const editions = page.map((r): EditionSummary => {
    const base = {
      id: r.id,
      cadence: r.cadence,
      status: r.status,
      items: JSON.parse(r.items) as string[],
      created_at: r.created_at,
      completed_at: r.completed_at,
      recipients: r.recipients,
    };
    if (r.t_sent !== null) {
      return {
        ...base,
        figures: "totals",
        sent: r.t_sent,
        failed: r.t_failed,
        unconfirmed: r.t_unconfirmed,
        skipped: r.t_skipped,
        pending: r.t_pending,
        delivered: r.t_delivered + r.delivered_extra,
        bounced: r.t_bounced,
        complained: r.t_complained,
      };
    }
    const { reconciled: _, ...c } = counted.get(r.id)!;
    // editions.delivered: delivery events that matched no ledger row (mail from before the ledger kept ids).
    return { ...base, figures: "chunks", ...c, delivered: c.delivered + r.delivered_extra };
  });
  return { editions, next: results.length > size ? (page.at(-1)?.id ?? null) : null };
}

/**
 * A `before` cursor from a URL: an edition id's shape (what startEdition makes), else none (the first
 * page). A well-formed id that names no edition gives an empty page, never an error.
 */
export function editionCursor(value: string | undefined): string | undefined {
  return value !== undefined && /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : undefined;
}

/** Editions not done yet (planning or sending), oldest first: few at any time (editions_by_completion). */
export async function editionsInFlight(db: D1Database): Promise<EditionRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM editions WHERE status IN ('planning', 'sending') ORDER BY created_at, id")
    .all<EditionRow>();
  return results;
}

/**
 * Digest batches given up for good: dead-lettered past their 23 h window or refused by the provider.
 * Counted on the edition_chunks_pending index (status first), so it reads only the failed rows.
 */
export async function failedChunkCount(db: D1Database): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM edition_chunks WHERE status = 'failed'")
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Which editions carried each of these briefings, per cadence (edition_briefings' key: cadence, slug). */
export async function editionsCarrying(
  db: D1Database,
  slugs: string[],
): Promise<Map<string, { cadence: string; edition: string }[]>> {
  const { results } = await db
    .prepare(
      `SELECT slug, cadence, edition_id FROM edition_briefings
       WHERE cadence IN (SELECT value FROM json_each(?1)) AND slug IN (SELECT value FROM json_each(?2))
       ORDER BY slug, cadence`,
    )
    .bind(JSON.stringify(CADENCES), JSON.stringify(slugs))
    .all<{ slug: string; cadence: string; edition_id: string }>();
  const carried = new Map<string, { cadence: string; edition: string }[]>();
  for (const r of results) {
    carried.set(r.slug, [...(carried.get(r.slug) ?? []), { cadence: r.cadence, edition: r.edition_id }]);
  }
  return carried;
}
