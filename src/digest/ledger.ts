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
//    `enqueued`; every later step (and a re-delivered one) first enqueues what is still unflagged. And
//    whatever the queue or an invocation loses — the plan message after a crash right after the
//    edition insert, a message dropped or dead-lettered, a consumer that died — the sweeper
//    (sweeper.ts, every 15 minutes) finds: an edition still planning that has not moved for 15
//    minutes gets a new plan message; a pending chunk 15 minutes past its next attempt is enqueued
//    again. Nothing the ledger holds as pending can stay pending.
// 4. One payload per chunk, whatever happens. The first attempt freezes everything the chunk's bytes
//    depend on: its recipients (queued → sending, or → skipped for those who left since planning),
//    each one's address as it was then and their own links, the sender and the List-Id. Every retry
//    builds the batch from those rows and from the variant HTML stored at planning time — identical
//    bytes each time, even after a deploy that changes MAIL_FROM, SITE_URL or the signing key, or a
//    reader who re-subscribes with other capitalisation. (Only a deploy that changes the code building
//    a batch — its tags, its headers — changes the bytes of a chunk in flight across it; point 6 covers
//    the 409 that follows.)
// 5. The provider sends a chunk once. Each batch call carries Idempotency-Key = <edition>:<chunk>. If the
//    provider did the work but the answer was lost, or the consumer died between the call and the ledger
//    write, the retry carries the same key and payload and gets the first call's ids back instead of a
//    second delivery. Resend keeps keys 24 h, so a chunk keeps retrying (capped backoff; 429 and
//    in-flight answers wait as the provider says) only until 23 h after its first attempt, timed from
//    `first_attempt_at` in D1 — not from the queue's attempt count — and is then recorded `failed`.
//    Right before every call the consumer re-reads the chunk: a `sent` chunk is never called again,
//    so a duplicate message (even one prepared ahead in the same batch) does nothing.
// 6. The ledger says what the provider did. A 409 invalid_idempotent_request (the key was used with
//    other bytes) proves an earlier call under the key was accepted: the chunk becomes `unconfirmed`,
//    never a plain failure. Resend's webhooks (email.sent / delivered / bounced / complained, matched by
//    provider id, else by the edition and chunk tags and the frozen address) turn a failed or unconfirmed
//    delivery into `sent` when the mail did go out, and record delivered, bounced and complained.
import { type KeptFigures, keptFigures } from "./edition-figures.ts";
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
  /** Last time planning or sending moved it (the sweeper's stall clock). */
  updated_at: string;
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
    .prepare(`SELECT id, topics, language FROM subscribers WHERE ${MATCHING} AND id > ?3 ORDER BY id LIMIT ?4`)
    .bind(cadence, JSON.stringify(tags), afterId, limit)
    .all<{ id: number; topics: string; language: string | null }>();
  return results.map((r) => ({ id: r.id, topics: JSON.parse(r.topics) as string[], language: r.language }));
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
export const DELIVERIES_PER_STATEMENT = 48;

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
    unconfirmed: p.unconfirmed,
  };
  // An edition that lost mail, or cannot say whether it did, must stand out in the logs.
  if (p.failed > 0 || p.unconfirmed > 0) console.error(JSON.stringify(line));
  else console.log(JSON.stringify(line));
}

export interface ChunkRow {
  edition_id: string;
  chunk: number;
  status: "pending" | "sent" | "failed" | "unconfirmed";
  /** Provider calls that did not settle the chunk. */
  attempts: number;
  /** Answers counted towards the backoff (5xx, timeouts, lost answers). */
  failures: number;
  recipients: number;
  first_attempt_at: string | null;
  /** The first call the provider may have accepted (and stored the key of): the 23 h clock (migrations/0012). */
  key_used_at: string | null;
  sender: string | null;
  list_id: string | null;
}

export async function getChunk(db: D1Database, editionId: string, chunk: number): Promise<ChunkRow | null> {
  return db
    .prepare(
      `SELECT edition_id, chunk, status, attempts, failures, recipients, first_attempt_at, key_used_at, sender, list_id
       FROM edition_chunks WHERE edition_id = ?1 AND chunk = ?2`,
    )
    .bind(editionId, chunk)
    .first<ChunkRow>();
}

/** Recipients of a chunk who have no links stored yet (before its first attempt). */
/** The chunk's recipients still without personal links, with their variant (whose language the links take). */
export async function unlinkedMembers(
  db: D1Database,
  editionId: string,
  chunk: number,
): Promise<{ id: number; variant: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT subscriber_id, variant FROM deliveries
       WHERE edition_id = ?1 AND chunk = ?2 AND status IN ('queued', 'sending') AND unsubscribe_url IS NULL`,
    )
    .bind(editionId, chunk)
    .all<{ subscriber_id: number; variant: string }>();
  return results.map((r) => ({ id: r.subscriber_id, variant: r.variant }));
}

export interface FrozenRecipient {
  subscriber_id: number;
  address: string;
  variant: string;
  unsubscribe_url: string;
  preferences_url: string;
}

export interface FrozenChunk {
  sender: string;
  listId: string;
  recipients: FrozenRecipient[];
}

/**
 * The path of a delivery row's own entry in a JSON object keyed by subscriber id (`$."42"`). Rows of
 * a chunk pick their values from such an object by path: looking them up in `json_each` instead reads
 * all of its entries once per row — 10,000 rows read (and billed) for a chunk of 100.
 */
const ENTRY = `'$."' || deliveries.subscriber_id || '"'`;

const FROZEN_RECIPIENTS = `SELECT subscriber_id, address, variant, unsubscribe_url, preferences_url FROM deliveries
  WHERE edition_id = ?1 AND chunk = ?2 AND status = 'sending' ORDER BY subscriber_id`;

/**
 * First attempt only, as one transaction: fixes who this chunk goes to and what it is sent as.
 * Recipients still confirmed become `sending` with their address as it is now and their links; those
 * who left since planning become `skipped`; the chunk keeps the first sender, List-Id and attempt time.
 * A second copy running at the same moment finds nothing `queued`, no empty link and no empty frame,
 * changes nothing, and reads back what the first one froze.
 */
export async function freezeChunk(
  db: D1Database,
  editionId: string,
  chunk: number,
  frame: { sender: string; listId: string },
  links: { subscriberId: number; unsubscribeUrl: string; preferencesUrl: string }[],
  now: string,
): Promise<FrozenChunk> {
  // {"<subscriber id>": [unsubscribe URL, preferences URL], …} as one JSON parameter.
  const rows = JSON.stringify(
    Object.fromEntries(links.map((l) => [l.subscriberId, [l.unsubscribeUrl, l.preferencesUrl]])),
  );
  // Who is still confirmed is asked per recipient, by primary key (a correlated EXISTS): the same
  // filter as `IN (SELECT id FROM subscribers WHERE status = 'confirmed')` would read every confirmed
  // reader of the list for each chunk.
  const results = await db.batch([
    db
      .prepare(
        `UPDATE deliveries SET status = 'sending', updated_at = ?3,
           address = (SELECT email FROM subscribers WHERE subscribers.id = deliveries.subscriber_id)
         WHERE edition_id = ?1 AND chunk = ?2 AND status = 'queued'
           AND EXISTS (SELECT 1 FROM subscribers
                       WHERE subscribers.id = deliveries.subscriber_id AND subscribers.status = 'confirmed')`,
      )
      .bind(editionId, chunk, now),
    db
      .prepare(
        "UPDATE deliveries SET status = 'skipped', updated_at = ?3 WHERE edition_id = ?1 AND chunk = ?2 AND status = 'queued'",
      )
      .bind(editionId, chunk, now),
    db
      .prepare(
        `UPDATE deliveries SET
           unsubscribe_url = json_extract(?3, ${ENTRY} || '[0]'), preferences_url = json_extract(?3, ${ENTRY} || '[1]')
         WHERE edition_id = ?1 AND chunk = ?2 AND unsubscribe_url IS NULL AND json_type(?3, ${ENTRY}) IS NOT NULL`,
      )
      .bind(editionId, chunk, rows),
    db
      .prepare(
        `UPDATE edition_chunks SET updated_at = ?3, first_attempt_at = COALESCE(first_attempt_at, ?3),
           sender = COALESCE(sender, ?4), list_id = COALESCE(list_id, ?5)
         WHERE edition_id = ?1 AND chunk = ?2 RETURNING sender, list_id`,
      )
      .bind(editionId, chunk, now, frame.sender, frame.listId),
    db.prepare(FROZEN_RECIPIENTS).bind(editionId, chunk),
  ]);
  const kept = (results[3]?.results[0] ?? {}) as { sender?: string; list_id?: string };
  return {
    sender: kept.sender ?? frame.sender,
    listId: kept.list_id ?? frame.listId,
    recipients: (results[4]?.results ?? []) as FrozenRecipient[],
  };
}

/** The chunk's recipients as frozen at its first attempt. */
export async function frozenRecipients(db: D1Database, editionId: string, chunk: number): Promise<FrozenRecipient[]> {
  const { results } = await db.prepare(FROZEN_RECIPIENTS).bind(editionId, chunk).all<FrozenRecipient>();
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

/** A recipient the provider refused inside a batch it otherwise sent, with the provider's reason. */
export interface RefusedRecipient {
  subscriberId: number;
  reason: string;
}

/**
 * Records a batch call the provider accepted: provider ids per recipient and the chunk sent, and any
 * recipient it refused (permissive validation) failed with its reason. One transaction.
 */
export async function recordSent(
  db: D1Database,
  editionId: string,
  chunk: number,
  sent: { subscriberId: number; providerId: string | undefined }[],
  now: string,
  refused: RefusedRecipient[] = [],
): Promise<void> {
  // One statement per outcome for the whole chunk: {"<subscriber id>": provider id or reason, …} as JSON.
  const ids = JSON.stringify(Object.fromEntries(sent.map((s) => [s.subscriberId, s.providerId ?? null])));
  const statements = [
    db
      .prepare(
        `UPDATE deliveries SET status = 'sent', updated_at = ?3, provider_id = json_extract(?2, ${ENTRY})
         WHERE edition_id = ?1 AND chunk = ?4 AND json_type(?2, ${ENTRY}) IS NOT NULL`,
      )
      .bind(editionId, ids, now, chunk),
  ];
  if (refused.length > 0) {
    const reasons = JSON.stringify(Object.fromEntries(refused.map((r) => [r.subscriberId, r.reason.slice(0, 500)])));
    statements.push(
      db
        .prepare(
          `UPDATE deliveries SET status = 'failed', updated_at = ?3, error = json_extract(?2, ${ENTRY})
           WHERE edition_id = ?1 AND chunk = ?4 AND status IN ('queued', 'sending') AND json_type(?2, ${ENTRY}) IS NOT NULL`,
        )
        .bind(editionId, reasons, now, chunk),
    );
  }
  // The chunk's error, for the admin view: how many the provider refused, and the first reason.
  const error = refused.length
    ? `${refused.length} of ${sent.length + refused.length} refused by the provider: ${refused[0]?.reason}`.slice(
        0,
        500,
      )
    : null;
  statements.push(
    db
      .prepare(
        `UPDATE edition_chunks SET status = 'sent', sent = ?3, last_error = ?5, updated_at = ?4,
           skipped = (SELECT COUNT(*) FROM deliveries WHERE edition_id = ?1 AND chunk = ?2 AND status = 'skipped')
         WHERE edition_id = ?1 AND chunk = ?2`,
      )
      .bind(editionId, chunk, sent.length, now, error),
  );
  await db.batch(statements);
  await completeIfDone(db, editionId, now);
}

/**
 * An attempt the provider did not settle: the reason, when to try next and, for answers that count
 * towards the backoff (5xx, timeouts, lost answers), one more failure.
 */
export async function recordAttemptError(
  db: D1Database,
  editionId: string,
  chunk: number,
  error: string,
  o: { counted: boolean; nextAttemptAt: string; now: string; refusedCallStartedClockAt?: string },
) {
  // A call the provider refused outright (rate limit, quota) stored no key: if it was the one that
  // started the chunk's 23 h clock, the clock is stopped again.
  await db
    .prepare(
      `UPDATE edition_chunks SET last_error = ?3, attempts = attempts + 1, failures = failures + ?4,
         next_attempt_at = ?5, updated_at = ?6,
         key_used_at = CASE WHEN key_used_at = ?7 THEN NULL ELSE key_used_at END
       WHERE edition_id = ?1 AND chunk = ?2`,
    )
    .bind(
      editionId,
      chunk,
      error.slice(0, 500),
      o.counted ? 1 : 0,
      o.nextAttemptAt,
      o.now,
      o.refusedCallStartedClockAt ?? null,
    )
    .run();
}

/**
 * Right before a chunk's call: starts its 23 h clock if no earlier call may have been accepted. Written
 * before the call, so a crash during it leaves the clock running (the provider may have the key).
 */
export async function startKeyClock(db: D1Database, editionId: string, chunk: number, now: string) {
  await db
    .prepare("UPDATE edition_chunks SET key_used_at = COALESCE(key_used_at, ?3) WHERE edition_id = ?1 AND chunk = ?2")
    .bind(editionId, chunk, now)
    .run();
}

/** Gives up on a chunk: its recipients are recorded as failed, with the reason on the chunk. */
export async function recordFailed(db: D1Database, editionId: string, chunk: number, reason: string, now: string) {
  await settleUnsent(db, editionId, chunk, "failed", reason, now);
}

/**
 * The provider refused the call because the key was used before with another payload: an earlier call
 * was accepted and the mail probably went out. Not a failure — webhooks settle each recipient.
 */
export async function recordUnconfirmed(db: D1Database, editionId: string, chunk: number, reason: string, now: string) {
  await settleUnsent(db, editionId, chunk, "unconfirmed", reason, now);
}

async function settleUnsent(
  db: D1Database,
  editionId: string,
  chunk: number,
  status: "failed" | "unconfirmed",
  reason: string,
  now: string,
) {
  await db.batch([
    db
      .prepare(
        "UPDATE deliveries SET status = ?4, updated_at = ?3 WHERE edition_id = ?1 AND chunk = ?2 AND status IN ('queued', 'sending')",
      )
      .bind(editionId, chunk, now, status),
    db
      .prepare(
        // The chunk keeps its skipped readers (who left before its first attempt): its figures
        // (edition-figures.ts) count all but those as given up.
        `UPDATE edition_chunks SET status = ?5, last_error = ?3, updated_at = ?4,
           skipped = (SELECT COUNT(*) FROM deliveries WHERE edition_id = ?1 AND chunk = ?2 AND status = 'skipped')
         WHERE edition_id = ?1 AND chunk = ?2 AND status = 'pending'`,
      )
      .bind(editionId, chunk, reason.slice(0, 500), now, status),
  ]);
  await completeIfDone(db, editionId, now);
}

/** Editions still planning whose planning has not moved since `before`. */
export async function stalledPlanning(db: D1Database, before: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM editions WHERE status = 'planning' AND updated_at < ?1 ORDER BY id")
    .bind(before)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Pending chunks that should have moved before `before` (never enqueued, lost, or dropped by the queue). */
export async function stalledChunks(db: D1Database, before: string, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT edition_id, chunk FROM edition_chunks
       WHERE status = 'pending' AND COALESCE(next_attempt_at, updated_at) < ?1
       ORDER BY edition_id, chunk LIMIT ?2`,
    )
    .bind(before, limit)
    .all<{ edition_id: string; chunk: number }>();
  return results;
}

/** Editions whose every chunk is settled but which were never marked done (a crash in between). */
export async function unfinishedEditions(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT id FROM editions WHERE status = 'sending'
         AND NOT EXISTS (SELECT 1 FROM edition_chunks WHERE edition_id = editions.id AND status = 'pending')`,
    )
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Marks re-enqueued chunks as moving again, so the next sweep leaves them alone for 15 minutes. */
export async function markResumed(db: D1Database, chunks: { edition_id: string; chunk: number }[], now: string) {
  if (chunks.length === 0) return;
  await db
    .prepare(
      `UPDATE edition_chunks SET enqueued = 1, next_attempt_at = ?2, updated_at = ?2
       WHERE status = 'pending' AND EXISTS (SELECT 1 FROM json_each(?1) AS p
         WHERE p.value ->> '$[0]' = edition_chunks.edition_id AND p.value ->> '$[1]' = edition_chunks.chunk)`,
    )
    .bind(JSON.stringify(chunks.map((c) => [c.edition_id, c.chunk])), now)
    .run();
}

/** A chunk held back without a call (the provider is down): when it will be tried, for the sweeper. */
export async function deferChunk(db: D1Database, editionId: string, chunk: number, nextAttemptAt: string) {
  await db
    .prepare(
      "UPDATE edition_chunks SET next_attempt_at = ?3 WHERE edition_id = ?1 AND chunk = ?2 AND status = 'pending'",
    )
    .bind(editionId, chunk, nextAttemptAt)
    .run();
}

/** Chunks held back together without a call (the provider down or paused): one statement for the lot. */
export async function deferChunks(
  db: D1Database,
  chunks: { edition: string; chunk: number }[],
  nextAttemptAt: string,
): Promise<void> {
  if (chunks.length === 0) return;
  await db
    .prepare(
      // By primary key (`+status` keeps the planner off the pending index): the consumer defers once per
      // invocation, and through that index it would read every pending chunk of every edition each time.
      `UPDATE edition_chunks SET next_attempt_at = ?2
       WHERE rowid IN (SELECT c.rowid FROM json_each(?1) AS p
         JOIN edition_chunks AS c ON c.edition_id = p.value ->> '$[0]' AND c.chunk = p.value ->> '$[1]'
         WHERE +c.status = 'pending')`,
    )
    .bind(JSON.stringify(chunks.map((c) => [c.edition, c.chunk])), nextAttemptAt)
    .run();
}

export async function touchEdition(db: D1Database, id: string, now: string) {
  await db.prepare("UPDATE editions SET updated_at = ?2 WHERE id = ?1").bind(id, now).run();
}

/** Chunk errors the admin view lists for an edition (kept in the totals after compaction). */
export const ERRORS_SHOWN = 20;

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
  /** The provider refused a retry whose bytes differed from an accepted first call; webhooks settle these. */
  unconfirmed: number;
  skipped: number;
  pending: number;
  /** What the provider's webhooks reported for the edition's mails. */
  delivered: number;
  bounced: number;
  complained: number;
  /** Failed or unconfirmed deliveries that a webhook showed did go out (counted in `sent`). */
  reconciled: number;
  /** Renderings of the digest for this edition: one per topic variant, whatever the recipient count. */
  variants: number;
  errors: { chunk: number; error: string }[];
  /** While the edition waits on the provider (a spent quota, an outage): until when and why (admin route). */
  paused?: { until: string; reason: string } | null;
}

/** A compacted edition's row in edition_totals (migrations/0009, 0010). */
interface EditionTotals {
  sent: number;
  failed: number;
  skipped: number;
  pending: number;
  unconfirmed: number;
  delivered: number;
  bounced: number;
  complained: number;
  reconciled: number;
  /** Null for an edition compacted before its renderings and chunks were: they are still there. */
  variants: number | null;
  errors: string | null;
}

/**
 * An edition's figures for its page, the JSON API and the end-of-edition log line, from its chunk rows
 * and kept reports (edition-figures.ts) or, once compacted, its totals: never its per-recipient rows,
 * so a page polled during an edition to a million readers reads ~10,000 chunk rows, not 1,000,000.
 */
export async function editionProgress(db: D1Database, id: string): Promise<Progress | null> {
  const edition = await getEdition(db, id);
  if (!edition) return null;
  // A compacted edition (src/digest/compaction.ts) counts from its totals: its rows are (being) deleted.
  const totalsRow = await db
    .prepare(
      `SELECT sent, failed, skipped, pending, unconfirmed, delivered, bounced, complained, reconciled,
         variants, errors
         FROM edition_totals WHERE edition_id = ?1`,
    )
    .bind(id)
    .first<EditionTotals>();
  const kept: KeptFigures = totalsRow ?? (await keptFigures(db, [id])).get(id)!;
  const keptVariants = totalsRow?.variants ?? null;
  const keptErrors = totalsRow?.errors ?? null;
  // Once compaction has deleted the edition's renderings and chunk rows, the totals hold what the view shows of them.
  const variants =
    keptVariants ??
    (
      await db
        .prepare("SELECT COUNT(*) AS n FROM edition_variants WHERE edition_id = ?1")
        .bind(id)
        .first<{ n: number }>()
    )?.n ??
    0;
  const errors: { chunk: number; error: string }[] =
    keptErrors !== null
      ? JSON.parse(keptErrors)
      : (
          await db
            .prepare(
              "SELECT chunk, last_error AS error FROM edition_chunks WHERE edition_id = ?1 AND last_error IS NOT NULL ORDER BY chunk LIMIT ?2",
            )
            .bind(id, ERRORS_SHOWN)
            .all<{ chunk: number; error: string }>()
        ).results;
  return {
    edition: id,
    cadence: edition.cadence,
    status: edition.status,
    window: { from: edition.window_from, to: edition.window_to },
    items: JSON.parse(edition.items),
    recipients: edition.recipients,
    chunks: edition.chunks,
    sent: kept.sent,
    failed: kept.failed,
    unconfirmed: kept.unconfirmed,
    skipped: kept.skipped,
    pending: kept.pending,
    // editions.delivered counts delivery events that matched no ledger row (mail from before the ledger kept ids).
    delivered: kept.delivered + edition.delivered,
    bounced: kept.bounced,
    complained: kept.complained,
    reconciled: kept.reconciled,
    variants,
    errors,
  };
}
