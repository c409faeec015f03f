// D1 side of choosing an edition's briefings: when the site first showed each briefing, and which
// briefings went out in which edition on each cadence (migrations/0005_edition_chain.sql).
import type { BriefingIndex } from "../content/schema.ts";
import { editionInsert } from "./ledger.ts";
import { type CadenceRecord, type ReceivedElsewhere, slugsOfVariant } from "./plan.ts";

/**
 * Records when the site first showed each briefing of `content`: any scheduled step (either cron, the
 * sweeper, an edition's start) calls it with its own time. Steps may finish out of order (a delayed cron
 * invocation), so the earliest time any of them saw a briefing wins. Returns how many rows changed
 * (briefings new to the record, mostly).
 */
export async function recordFirstSeen(db: D1Database, content: BriefingIndex, at: Date): Promise<number> {
  const result = await firstSeenUpsert(db, content, at).run();
  return result.meta.changes;
}

// Only new briefings (or an earlier sighting) are written: the 15-minute cron runs this 96 times a day,
// and D1 bills every row written.
function firstSeenUpsert(db: D1Database, content: BriefingIndex, at: Date): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO briefings_seen (slug, first_seen) SELECT value, ?2 FROM json_each(?1) WHERE true
       ON CONFLICT (slug) DO UPDATE SET first_seen = excluded.first_seen
         WHERE excluded.first_seen < briefings_seen.first_seen`,
    )
    .bind(JSON.stringify(content.briefings.map((b) => b.slug)), at.toISOString());
}

/**
 * What the cadence already mailed and when each briefing was first seen, after recording what the site
 * shows at `at` as seen (an edition's start is a scheduled step too) — one round trip.
 */
export async function cadenceRecord(
  db: D1Database,
  cadence: string,
  content: BriefingIndex,
  at: Date,
): Promise<CadenceRecord> {
  const [, mailed, seen] = await db.batch<{ slug: string; first_seen?: string }>([
    firstSeenUpsert(db, content, at),
    db.prepare("SELECT slug FROM edition_briefings WHERE cadence = ?1").bind(cadence),
    db.prepare("SELECT slug, first_seen FROM briefings_seen"),
  ]);
  return {
    mailed: new Set(mailed?.results.map((r) => r.slug)),
    firstSeen: new Map(seen?.results.map((r) => [r.slug, new Date(r.first_seen as string)])),
  };
}

/**
 * The same record as cadenceRecord() without writing anything: for a preview. A briefing no step has
 * seen yet is absent from firstSeen, which the choice reads as "first seen at the run's time" — what
 * cadenceRecord() would have written.
 */
export async function readCadenceRecord(db: D1Database, cadence: string): Promise<CadenceRecord> {
  const [mailed, seen] = await db.batch<{ slug: string; first_seen?: string }>([
    db.prepare("SELECT slug FROM edition_briefings WHERE cadence = ?1").bind(cadence),
    db.prepare("SELECT slug, first_seen FROM briefings_seen"),
  ]);
  return {
    mailed: new Set(mailed?.results.map((r) => r.slug)),
    firstSeen: new Map(seen?.results.map((r) => [r.slug, new Date(r.first_seen as string)])),
  };
}

export type CreateResult = "created" | "conflict";

/**
 * Inserts the edition and claims its briefings on its cadence in one transaction. "conflict": the id was
 * taken, or another run claimed one of the briefings first — nothing was written, the caller looks again.
 */
export async function createEdition(
  db: D1Database,
  e: { id: string; cadence: string; from: Date; to: Date; items: string[]; tags: string[] },
  now: string,
): Promise<CreateResult> {
  try {
    await db.batch([
      editionInsert(db, e, now),
      db
        .prepare("INSERT INTO edition_briefings (cadence, slug, edition_id) SELECT ?1, value, ?2 FROM json_each(?3)")
        .bind(e.cadence, e.id, JSON.stringify(e.items)),
    ]);
    return "created";
  } catch (err) {
    if (/UNIQUE|PRIMARY KEY|constraint/i.test(String(err))) return "conflict";
    throw err;
  }
}

/**
 * Which of `slugs` each of `subscriberIds` was already sent (or is being sent) by an edition of another
 * cadence: deliveries.variant holds the slugs each recipient's mail carried. A failed or skipped
 * delivery does not count: they did not get it. One query per planning page, by subscriber id.
 */
export async function receivedElsewhere(
  db: D1Database,
  cadence: string,
  subscriberIds: number[],
  slugs: string[],
): Promise<ReceivedElsewhere> {
  const received = new Map<number, Set<string>>();
  if (subscriberIds.length === 0 || slugs.length === 0) return received;
  const { results } = await db
    .prepare(
      `SELECT d.subscriber_id, d.variant FROM deliveries AS d
       WHERE d.subscriber_id IN (SELECT value FROM json_each(?1))
         AND d.status IN ('queued', 'sending', 'sent')
         AND d.edition_id IN (SELECT edition_id FROM edition_briefings
                              WHERE cadence <> ?2 AND slug IN (SELECT value FROM json_each(?3)))`,
    )
    .bind(JSON.stringify(subscriberIds), cadence, JSON.stringify(slugs))
    .all<{ subscriber_id: number; variant: string }>();
  for (const r of results) {
    const had = received.get(r.subscriber_id) ?? new Set<string>();
    for (const slug of slugsOfVariant(r.variant)) if (slugs.includes(slug)) had.add(slug);
    received.set(r.subscriber_id, had);
  }
  return received;
}
