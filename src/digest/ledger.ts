// D1 side of the digest: editions, chunks, the per-recipient ledger.
//
// Why every recipient gets an edition exactly once
// ------------------------------------------------
// 1. One edition per id, and one edition per briefing and cadence. Edition ids are deterministic
//    (daily-2026-11-28) and inserted together with the claim of their briefings on the cadence, in one
//    transaction (src/digest/briefing-record.ts): a cron fired twice, or an admin run racing the cron,
//    finds the row and starts nothing, and no two editions of a cadence carry the same briefing.
// 2. Nobody is planned twice. Planning walks confirmed subscribers by id; each step writes its chunks,
//    its deliveries (primary key edition + subscriber) and the advanced cursor in one D1 batch, which is
//    one transaction. Two copies of a step (the queue delivers at least once) pick the same chunk
//    numbers, so the second batch hits the chunk primary key and rolls back whole.
// 3. Nobody is lost. A step's chunks are enqueued after its transaction and only then flagged
//    `enqueued`; every later step (and a re-delivered one) first enqueues what is still unflagged, so a
//    crash between commit and enqueue delays chunks, never drops them. A send message delivered twice
//    finds the chunk already `sent` and stops.
// 4. One payload per chunk, whatever happens. The first attempt freezes the chunk's recipients
//    (queued → sending, or → skipped for those who left since planning) and every retry sends exactly
//    those, with the variant HTML stored at planning time and links whose tokens are derived from the
//    edition — identical bytes each time.
// 5. The provider sends a chunk once. Each batch call carries Idempotency-Key = <edition>:<chunk>. If the
//    provider did the work but the answer was lost, or the consumer died between the call and the ledger
//    write, the retry carries the same key and payload and gets the first call's ids back instead of a
//    second delivery (Resend keeps keys 24 h; the queue retries within minutes, and the ledger — not the
//    key — covers anything older: a `sent` chunk is never called again).
import type { Cadence } from "./plan.ts";

export type EditionStatus = "planning" | "sending" | "done";

export interface EditionRow {
  id: string;
  cadence: Cadence;
  window_from: string;
  window_to: string;
  items: string;
  tags: string;
  status: EditionStatus;
  planned_through_id: number;
  recipients: number;
  chunks: number;
  delivered: number;
  created_at: string;
  completed_at: string | null;
}

export async function getEdition(db: D1Database, id: string): Promise<EditionRow | null> {
  return db.prepare("SELECT * FROM editions WHERE id = ?1").bind(id).first<EditionRow>();
}

// Confirmed subscribers of a cadence whose topics match the edition (no topics = everything).
const MATCHING = `status = 'confirmed' AND cadence = ?1 AND (topics = '[]' OR EXISTS (
    SELECT 1 FROM json_each(subscribers.topics) AS t WHERE t.value IN (SELECT value FROM json_each(?2))))`;

export async function countRecipients(db: D1Database, cadence: Cadence, tags: string[]): Promise<number> {
  const row = await db
    .prepare(`SELECT COUNT(*) AS n FROM subscribers WHERE ${MATCHING}`)
    .bind(cadence, JSON.stringify(tags))
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** The next page of matching subscribers after `afterId` (keyset pagination on the partial index). */
export async function recipientsAfter(
  db: D1Database,
  cadence: Cadence,
  tags: string[],
  afterId: number,
  limit: number,
) {
  const { results } = await db
    .prepare(`SELECT id, topics FROM subscribers WHERE ${MATCHING} AND id > ?3 ORDER BY id LIMIT ?4`)
    .bind(cadence, JSON.stringify(tags), afterId, limit)
    .all<{ id: number; topics: string }>();
  return results.map((r) => ({ id: r.id, topics: JSON.parse(r.topics) as string[] }));
}

/** The edition's row, as a statement of the transaction that also claims its briefings; fails if the id exists. */
export function editionInsert(
  db: D1Database,
  e: { id: string; cadence: string; from: Date; to: Date; items: string[]; tags: string[] },
  now: string,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'planning', ?7, ?7)`,
    )
    .bind(
      e.id,
      e.cadence,
      e.from.toISOString(),
      e.to.toISOString(),
      JSON.stringify(e.items),
      JSON.stringify(e.tags),
      now,
    );
}

export async function storedVariants(db: D1Database, editionId: string): Promise<Set<string>> {
  const { results } = await db
    .prepare("SELECT variant FROM edition_variants WHERE edition_id = ?1")
    .bind(editionId)
    .all<{ variant: string }>();
  return new Set(results.map((r) => r.variant));
}

export function insertVariant(
  db: D1Database,
  editionId: string,
  variant: string,
  r: { subject: string; html: string; text: string },
) {
  return db
    .prepare(
      "INSERT INTO edition_variants (edition_id, variant, subject, html, text) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
    )
    .bind(editionId, variant, r.subject, r.html, r.text);
}

// D1 allows 100 bound parameters per statement: 3 shared + 2 per delivery.
const DELIVERIES_PER_STATEMENT = 48;

/**
 * One planning step as one transaction: chunks, deliveries, cursor. Returns false when another copy of
 * the step got there first (its chunk rows exist; this batch rolled back whole).
 */
export async function commitPlanStep(
  db: D1Database,
  edition: EditionRow,
  chunks: { chunk: number; recipients: { id: number; variant: string }[] }[],
  lastId: number,
  finished: boolean,
  now: string,
): Promise<boolean> {
  const statements: D1PreparedStatement[] = [];
  for (const c of chunks) {
    statements.push(
      db
        .prepare(
          "INSERT INTO edition_chunks (edition_id, chunk, status, recipients, updated_at) VALUES (?1, ?2, 'pending', ?3, ?4)",
        )
        .bind(edition.id, c.chunk, c.recipients.length, now),
    );
    for (let i = 0; i < c.recipients.length; i += DELIVERIES_PER_STATEMENT) {
      const part = c.recipients.slice(i, i + DELIVERIES_PER_STATEMENT);
      const values = part.map((_, k) => `(?1, ?${4 + 2 * k}, ?2, ?${5 + 2 * k}, 'queued', ?3)`).join(", ");
      statements.push(
        db
          .prepare(
            `INSERT INTO deliveries (edition_id, subscriber_id, chunk, variant, status, updated_at) VALUES ${values}`,
          )
          .bind(edition.id, c.chunk, now, ...part.flatMap((r) => [r.id, r.variant])),
      );
    }
  }
  const recipients = chunks.reduce((n, c) => n + c.recipients.length, 0);
  statements.push(
    db
      .prepare(
        `UPDATE editions SET planned_through_id = ?2, chunks = chunks + ?3, recipients = recipients + ?4,
           status = CASE WHEN ?5 THEN 'sending' ELSE status END, updated_at = ?6
         WHERE id = ?1 AND planned_through_id = ?7 AND status = 'planning'`,
      )
      .bind(edition.id, lastId, chunks.length, recipients, finished ? 1 : 0, now, edition.planned_through_id),
  );
  try {
    await db.batch(statements);
    return true;
  } catch (e) {
    if (/UNIQUE|PRIMARY KEY|constraint/i.test(String(e))) return false;
    throw e;
  }
}

export async function unqueuedChunks(db: D1Database, editionId: string): Promise<number[]> {
  const { results } = await db
    .prepare(
      "SELECT chunk FROM edition_chunks WHERE edition_id = ?1 AND enqueued = 0 AND status = 'pending' ORDER BY chunk",
    )
    .bind(editionId)
    .all<{ chunk: number }>();
  return results.map((r) => r.chunk);
}

export async function markEnqueued(db: D1Database, editionId: string, chunks: number[]): Promise<void> {
  if (chunks.length === 0) return;
  await db
    .prepare(
      "UPDATE edition_chunks SET enqueued = 1 WHERE edition_id = ?1 AND chunk IN (SELECT value FROM json_each(?2))",
    )
    .bind(editionId, JSON.stringify(chunks))
    .run();
}

/** Marks the edition done once planning is over and no chunk is pending, and logs its totals once. */
export async function completeIfDone(db: D1Database, editionId: string, now: string): Promise<void> {
  const done = await db
    .prepare(
      `UPDATE editions SET status = 'done', completed_at = ?2, updated_at = ?2
       WHERE id = ?1 AND status = 'sending'
         AND NOT EXISTS (SELECT 1 FROM edition_chunks WHERE edition_id = ?1 AND status = 'pending')`,
    )
    .bind(editionId, now)
    .run();
  if (done.meta.changes !== 1) return;
  const p = await editionProgress(db, editionId);
  if (!p) return;
  const line = {
    event: "digest-done",
    edition: editionId,
    recipients: p.recipients,
    chunks: p.chunks,
    sent: p.sent,
    skipped: p.skipped,
    failed: p.failed,
  };
  // An edition that lost mail must stand out in the logs.
  if (p.failed > 0) console.error(JSON.stringify(line));
  else console.log(JSON.stringify(line));
}

export interface ChunkRow {
  edition_id: string;
  chunk: number;
  status: "pending" | "sent" | "failed";
  attempts: number;
  recipients: number;
}

export async function getChunk(db: D1Database, editionId: string, chunk: number): Promise<ChunkRow | null> {
  return db
    .prepare(
      "SELECT edition_id, chunk, status, attempts, recipients FROM edition_chunks WHERE edition_id = ?1 AND chunk = ?2",
    )
    .bind(editionId, chunk)
    .first<ChunkRow>();
}

/**
 * First attempt only: fixes who this chunk goes to. Recipients still confirmed become `sending`; those
 * who left since planning become `skipped`. Later attempts find nothing `queued` and change nothing.
 */
export async function freezeChunk(db: D1Database, editionId: string, chunk: number, now: string): Promise<void> {
  await db.batch([
    db
      .prepare(
        `UPDATE deliveries SET status = 'sending', updated_at = ?3
         WHERE edition_id = ?1 AND chunk = ?2 AND status = 'queued'
           AND subscriber_id IN (SELECT id FROM subscribers WHERE status = 'confirmed')`,
      )
      .bind(editionId, chunk, now),
    db
      .prepare(
        "UPDATE deliveries SET status = 'skipped', updated_at = ?3 WHERE edition_id = ?1 AND chunk = ?2 AND status = 'queued'",
      )
      .bind(editionId, chunk, now),
    db
      .prepare(
        "UPDATE edition_chunks SET attempts = attempts + 1, updated_at = ?3 WHERE edition_id = ?1 AND chunk = ?2",
      )
      .bind(editionId, chunk, now),
  ]);
}

export interface FrozenRecipient {
  subscriber_id: number;
  email: string;
  variant: string;
}

export async function frozenRecipients(db: D1Database, editionId: string, chunk: number): Promise<FrozenRecipient[]> {
  const { results } = await db
    .prepare(
      `SELECT d.subscriber_id, s.email, d.variant FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
       WHERE d.edition_id = ?1 AND d.chunk = ?2 AND d.status = 'sending' ORDER BY d.subscriber_id`,
    )
    .bind(editionId, chunk)
    .all<FrozenRecipient>();
  return results;
}

export async function variantsOf(db: D1Database, editionId: string, variants: string[]) {
  const { results } = await db
    .prepare(
      "SELECT variant, subject, html, text FROM edition_variants WHERE edition_id = ?1 AND variant IN (SELECT value FROM json_each(?2))",
    )
    .bind(editionId, JSON.stringify(variants))
    .all<{ variant: string; subject: string; html: string; text: string }>();
  return new Map(results.map((r) => [r.variant, r]));
}

/** Records a successful batch call: provider ids per recipient, the chunk sent. One transaction. */
export async function recordSent(
  db: D1Database,
  editionId: string,
  chunk: number,
  sent: { subscriberId: number; providerId: string | undefined }[],
  now: string,
): Promise<void> {
  // One statement for the whole chunk: [[subscriber id, provider id], …] as JSON.
  const pairs = JSON.stringify(sent.map((s) => [s.subscriberId, s.providerId ?? null]));
  const statements = [
    db
      .prepare(
        `UPDATE deliveries SET status = 'sent', updated_at = ?3,
           provider_id = (SELECT p.value ->> '$[1]' FROM json_each(?2) AS p WHERE p.value ->> '$[0]' = deliveries.subscriber_id)
         WHERE edition_id = ?1 AND subscriber_id IN (SELECT p.value ->> '$[0]' FROM json_each(?2) AS p)`,
      )
      .bind(editionId, pairs, now),
  ];
  statements.push(
    db
      .prepare(
        `UPDATE edition_chunks SET status = 'sent', sent = ?3, last_error = NULL, updated_at = ?4,
           skipped = (SELECT COUNT(*) FROM deliveries WHERE edition_id = ?1 AND chunk = ?2 AND status = 'skipped')
         WHERE edition_id = ?1 AND chunk = ?2`,
      )
      .bind(editionId, chunk, sent.length, now),
  );
  await db.batch(statements);
  await completeIfDone(db, editionId, now);
}

export async function recordAttemptError(db: D1Database, editionId: string, chunk: number, error: string, now: string) {
  await db
    .prepare("UPDATE edition_chunks SET last_error = ?3, updated_at = ?4 WHERE edition_id = ?1 AND chunk = ?2")
    .bind(editionId, chunk, error.slice(0, 500), now)
    .run();
}

/** Gives up on a chunk: its recipients are recorded as failed, with the reason on the chunk. */
export async function recordFailed(db: D1Database, editionId: string, chunk: number, reason: string, now: string) {
  await db.batch([
    db
      .prepare(
        "UPDATE deliveries SET status = 'failed', updated_at = ?3 WHERE edition_id = ?1 AND chunk = ?2 AND status IN ('queued', 'sending')",
      )
      .bind(editionId, chunk, now),
    db
      .prepare(
        "UPDATE edition_chunks SET status = 'failed', last_error = ?3, updated_at = ?4 WHERE edition_id = ?1 AND chunk = ?2 AND status = 'pending'",
      )
      .bind(editionId, chunk, reason.slice(0, 500), now),
  ]);
  await completeIfDone(db, editionId, now);
}

export interface Progress {
  edition: string;
  cadence: Cadence;
  status: EditionStatus;
  window: { from: string; to: string };
  items: string[];
  recipients: number;
  chunks: number;
  sent: number;
  failed: number;
  skipped: number;
  pending: number;
  delivered: number;
  /** Renderings of the digest for this edition: one per topic variant, whatever the recipient count. */
  variants: number;
  errors: { chunk: number; error: string }[];
}

export async function editionProgress(db: D1Database, id: string): Promise<Progress | null> {
  const edition = await getEdition(db, id);
  if (!edition) return null;
  const { results } = await db
    .prepare("SELECT status, COUNT(*) AS n FROM deliveries WHERE edition_id = ?1 GROUP BY status")
    .bind(id)
    .all<{ status: string; n: number }>();
  // A compacted edition (src/digest/compaction.ts) counts from its totals: its rows are (being) deleted.
  const totals = await db
    .prepare("SELECT sent, failed, skipped, pending AS queued FROM edition_totals WHERE edition_id = ?1")
    .bind(id)
    .first<Record<string, number>>();
  const by: Record<string, number> = totals ?? Object.fromEntries(results.map((r) => [r.status, r.n]));
  const variants = await db
    .prepare("SELECT COUNT(*) AS n FROM edition_variants WHERE edition_id = ?1")
    .bind(id)
    .first<{ n: number }>();
  const errors = await db
    .prepare(
      "SELECT chunk, last_error AS error FROM edition_chunks WHERE edition_id = ?1 AND last_error IS NOT NULL ORDER BY chunk LIMIT 20",
    )
    .bind(id)
    .all<{ chunk: number; error: string }>();
  return {
    edition: id,
    cadence: edition.cadence,
    status: edition.status,
    window: { from: edition.window_from, to: edition.window_to },
    items: JSON.parse(edition.items),
    recipients: edition.recipients,
    chunks: edition.chunks,
    sent: by.sent ?? 0,
    failed: by.failed ?? 0,
    skipped: by.skipped ?? 0,
    pending: (by.queued ?? 0) + (by.sending ?? 0),
    delivered: edition.delivered,
    variants: variants?.n ?? 0,
    errors: errors.results,
  };
}
