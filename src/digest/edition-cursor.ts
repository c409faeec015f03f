// Editions for the publisher to browse: newest first, a page at a time, and those still going out.
import { CADENCES } from "../cadences.ts";
import type { EditionRow } from "./ledger.ts";

/** Where the next page starts: the last edition shown (created_at, then id, both descending). */
export interface EditionCursor {
  createdAt: string;
  id: string;
}

/** One page of editions, newest first, after `before` (keyset on the editions_newest index: no OFFSET). */
export async function editionsNewestFirst(
  db: D1Database,
  before: EditionCursor | null,
  limit: number,
): Promise<EditionRow[]> {
  const statement = before
    ? db
        .prepare("SELECT * FROM editions WHERE (created_at, id) < (?1, ?2) ORDER BY created_at DESC, id DESC LIMIT ?3")
        .bind(before.createdAt, before.id, limit)
    : db.prepare("SELECT * FROM editions ORDER BY created_at DESC, id DESC LIMIT ?1").bind(limit);
  return (await statement.all<EditionRow>()).results;
}

/** Editions not done yet (planning or sending), oldest first: few at any time (editions_by_completion). */
export async function editionsInFlight(db: D1Database): Promise<EditionRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM editions WHERE status IN ('planning', 'sending') ORDER BY created_at, id")
    .all<EditionRow>();
  return results;
}

/** "2026-12-05T09:00:00.000Z~daily-2026-12-05" ⇄ cursor; anything else is no cursor (the first page). */
export function encodeCursor(row: Pick<EditionRow, "created_at" | "id">): string {
  return `${row.created_at}~${row.id}`;
}

export function decodeCursor(value: string | undefined): EditionCursor | null {
  const match = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)~([A-Za-z0-9_-]{1,200})$/.exec(value ?? "");
  return match ? { createdAt: match[1] as string, id: match[2] as string } : null;
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
