// D1 access for subscribers. Every function takes the binding; SQL uses positional ?N parameters.
export type Status = "pending" | "confirmed" | "unsubscribed" | "bounced" | "complained";
export type Cadence = "daily" | "weekly";
export type ConsentSource = "form" | "api" | "import";

/** Bump when the wording next to the subscribe form changes: consent records say which one was agreed to. */
export const CONSENT_TEXT_VERSION = "2026-11-subscribe-v1";

export interface Subscriber {
  id: number;
  email: string;
  email_normalized: string;
  status: Status;
  cadence: Cadence;
  topics: string[];
  confirm_nonce: string;
  created_at: string;
  confirmation_sent_at: string | null;
  confirmed_at: string | null;
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

type Row = Omit<Subscriber, "topics"> & { topics: string };

const fromRow = (r: Row): Subscriber => ({ ...r, topics: JSON.parse(r.topics) });
const COLUMNS =
  "id, email, email_normalized, status, cadence, topics, confirm_nonce, created_at, confirmation_sent_at, confirmed_at";

export async function findByAddress(db: D1Database, normalized: string): Promise<Subscriber | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM subscribers WHERE email_normalized = ?1`)
    .bind(normalized)
    .first<Row>();
  return row ? fromRow(row) : null;
}

export async function findById(db: D1Database, id: number): Promise<Subscriber | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM subscribers WHERE id = ?1`).bind(id).first<Row>();
  return row ? fromRow(row) : null;
}

function event(db: D1Database, id: number | string, name: string, at: string, meta: RequestMeta, detail?: unknown) {
  return db
    .prepare(
      "INSERT INTO subscriber_events (subscriber_id, event, at, ip, user_agent, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(id, name, at, meta.ip, meta.userAgent, detail === undefined ? null : JSON.stringify(detail));
}

export interface PendingInput {
  email: string;
  normalized: string;
  cadence: Cadence;
  topics: string[];
  nonce: string;
  source: ConsentSource;
  meta: RequestMeta;
  now: string;
}

/**
 * Records a subscribe request: a new row, or an existing pending one updated, or a row that had left
 * (unsubscribed, bounced, complained) started again as pending with a new nonce and a new consent record.
 * Confirmed subscribers are left alone. Returns the row as it now stands.
 */
export async function recordSubscribeRequest(db: D1Database, input: PendingInput): Promise<Subscriber> {
  const { meta, now } = input;
  const topics = JSON.stringify(input.topics);
  const upsert = db
    .prepare(
      `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
         consent_at, consent_ip, consent_user_agent, consent_source, consent_text_version)
       VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?6, ?6, ?7, ?8, ?9, ?10)
       ON CONFLICT (email_normalized) DO UPDATE SET
         email = excluded.email,
         cadence = excluded.cadence,
         topics = excluded.topics,
         updated_at = excluded.updated_at,
         consent_at = excluded.consent_at, consent_ip = excluded.consent_ip,
         consent_user_agent = excluded.consent_user_agent, consent_source = excluded.consent_source,
         consent_text_version = excluded.consent_text_version,
         -- Coming back after leaving: a new attempt, so old confirm links stop working.
         confirm_nonce = CASE WHEN status = 'pending' THEN confirm_nonce ELSE excluded.confirm_nonce END,
         confirmation_sent_at = CASE WHEN status = 'pending' THEN confirmation_sent_at ELSE NULL END,
         confirmed_at = NULL, confirmed_ip = NULL, unsubscribed_at = NULL,
         status = 'pending'
       WHERE status <> 'confirmed'
       RETURNING ${COLUMNS}`,
    )
    .bind(
      input.email,
      input.normalized,
      input.cadence,
      topics,
      input.nonce,
      now,
      meta.ip,
      meta.userAgent,
      input.source,
      CONSENT_TEXT_VERSION,
    );
  const row = await upsert.first<Row>();
  if (!row) {
    // Already confirmed: nothing changes (and the caller answers exactly as for a new address).
    return (await findByAddress(db, input.normalized)) as Subscriber;
  }
  await event(db, row.id, "subscribe-requested", now, meta, {
    source: input.source,
    cadence: input.cadence,
    topics: input.topics,
  }).run();
  return fromRow(row);
}

/** Marks that a confirmation mail went out, unless one did within `cooldownSeconds` (mail-bombing guard). */
export async function claimConfirmationSend(
  db: D1Database,
  id: number,
  now: Date,
  cooldownSeconds: number,
): Promise<boolean> {
  const since = new Date(now.getTime() - cooldownSeconds * 1000).toISOString();
  const result = await db
    .prepare(
      `UPDATE subscribers SET confirmation_sent_at = ?2
       WHERE id = ?1 AND status = 'pending' AND (confirmation_sent_at IS NULL OR confirmation_sent_at < ?3)`,
    )
    .bind(id, now.toISOString(), since)
    .run();
  return result.meta.changes === 1;
}

export type ConfirmResult = "confirmed" | "already-confirmed" | "stale";

/** pending → confirmed, only for the current subscription attempt (nonce). Idempotent. */
export async function confirmSubscriber(
  db: D1Database,
  id: number,
  nonce: string,
  meta: RequestMeta,
  now: string,
): Promise<ConfirmResult> {
  const updated = await db
    .prepare(
      `UPDATE subscribers SET status = 'confirmed', confirmed_at = ?3, confirmed_ip = ?4, updated_at = ?3
       WHERE id = ?1 AND confirm_nonce = ?2 AND status = 'pending'`,
    )
    .bind(id, nonce, now, meta.ip)
    .run();
  if (updated.meta.changes === 1) {
    await event(db, id, "confirmed", now, meta).run();
    return "confirmed";
  }
  const current = await findById(db, id);
  return current?.status === "confirmed" && current.confirm_nonce === nonce ? "already-confirmed" : "stale";
}

/** Leaves the list at once. Idempotent; suppressed addresses stay suppressed. */
export async function unsubscribeSubscriber(
  db: D1Database,
  id: number,
  meta: RequestMeta,
  now: string,
  via: string,
): Promise<boolean> {
  const updated = await db
    .prepare(
      `UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = ?2, updated_at = ?2
       WHERE id = ?1 AND status IN ('pending', 'confirmed')`,
    )
    .bind(id, now)
    .run();
  if (updated.meta.changes === 1) await event(db, id, "unsubscribed", now, meta, { via }).run();
  return (await findById(db, id)) !== null;
}

export async function updatePreferences(
  db: D1Database,
  id: number,
  cadence: Cadence,
  topics: string[],
  meta: RequestMeta,
  now: string,
): Promise<void> {
  await db.batch([
    db
      .prepare("UPDATE subscribers SET cadence = ?2, topics = ?3, updated_at = ?4 WHERE id = ?1")
      .bind(id, cadence, JSON.stringify(topics), now),
    event(db, id, "preferences", now, meta, { cadence, topics }),
  ]);
}
