// D1 access for subscribers. Every function takes the binding; SQL uses positional ?N parameters.
import type { Cadence } from "../cadences.ts";
import { erasedKey } from "./address.ts";

export type Status = "pending" | "confirmed" | "unsubscribed" | "bounced" | "complained";
export type { Cadence } from "../cadences.ts";

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
  suppressed_at: string | null;
  erased_at: string | null;
  /** The language of the reader's mail (a code from site.yaml `languages`); null: the site's default. */
  language: string | null;
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

type Row = Omit<Subscriber, "topics"> & { topics: string };

const fromRow = (r: Row): Subscriber => ({ ...r, topics: JSON.parse(r.topics) });
const COLUMNS =
  "id, email, email_normalized, status, cadence, topics, confirm_nonce, created_at, confirmation_sent_at, confirmed_at, suppressed_at, erased_at, language";

/** The row for an address: by its normalized form, or the hashed entry it left when erased. */
export async function findByAddress(db: D1Database, normalized: string): Promise<Subscriber | null> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM subscribers WHERE email_normalized IN (?1, ?2) ORDER BY erased_at IS NOT NULL`)
    .bind(normalized, await erasedKey(normalized))
    .all<Row>();
  return results[0] ? fromRow(results[0]) : null;
}

export async function findById(db: D1Database, id: number): Promise<Subscriber | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM subscribers WHERE id = ?1`).bind(id).first<Row>();
  return row ? fromRow(row) : null;
}

export function event(
  db: D1Database,
  id: number | string,
  name: string,
  at: string,
  meta: RequestMeta,
  detail?: unknown,
) {
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
  /** A code from site.yaml `languages`; null: the site's default. */
  language: string | null;
  nonce: string;
  source: "form" | "api";
  meta: RequestMeta;
  now: string;
}

/** What a subscribe request did, for the caller to decide about the confirmation mail. */
export type SubscribeRecord =
  | { kind: "confirmed" }
  /** A new or still-pending subscription: mail `email` a link with `nonce`. */
  | { kind: "pending"; subscriber: Subscriber; email: string; nonce: string }
  /** An address that left: its row is untouched; a re-subscription waits for the confirm POST. */
  | { kind: "resubscribe"; subscriber: Subscriber; email: string; nonce: string };

/** A suppressed address (left, bounced, complained, erased) never goes back to pending by itself. */
export const isSuppressed = (s: Pick<Subscriber, "status">) =>
  s.status === "unsubscribed" || s.status === "bounced" || s.status === "complained";

/**
 * Records a subscribe request. A new address gets a pending row; a pending one gets the new choices
 * and consent record of this request (both from the form or API); a confirmed one is left alone. An
 * address that left changes nothing on its row — not its status, suppression or consent record — and
 * gets a pending re-subscription with its own consent record, applied only by the confirm POST.
 */
export async function recordSubscribeRequest(db: D1Database, input: PendingInput): Promise<SubscribeRecord> {
  const { meta, now } = input;
  const topics = JSON.stringify(input.topics);
  let existing = await findByAddress(db, input.normalized);
  if (!existing || existing.status === "pending") {
    const row = await db
      .prepare(
        `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
           consent_at, consent_ip, consent_user_agent, consent_source, consent_text_version, language)
         VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?6, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (email_normalized) DO UPDATE SET
           email = excluded.email,
           cadence = excluded.cadence,
           topics = excluded.topics,
           language = excluded.language,
           updated_at = excluded.updated_at,
           consent_at = excluded.consent_at, consent_ip = excluded.consent_ip,
           consent_user_agent = excluded.consent_user_agent, consent_source = excluded.consent_source,
           consent_text_version = excluded.consent_text_version
         WHERE status = 'pending'
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
        input.language,
      )
      .first<Row>();
    if (row) {
      await event(db, row.id, "subscribe-requested", now, meta, {
        source: input.source,
        cadence: input.cadence,
        topics: input.topics,
        ...(input.language ? { language: input.language } : {}),
      }).run();
      const subscriber = fromRow(row);
      return { kind: "pending", subscriber, email: subscriber.email, nonce: subscriber.confirm_nonce };
    }
    // Confirmed or suppressed meanwhile (a race with another request): decide on the row as it is.
    existing = await findByAddress(db, input.normalized);
  }
  if (!existing || existing.status === "confirmed" || existing.status === "pending") return { kind: "confirmed" };

  // A live re-subscription keeps its nonce, so the link in a mail already sent keeps working.
  const live = new Date(Date.parse(now) - PENDING_TTL_SECONDS * 1000).toISOString();
  const [resubscription] = await db.batch<{ nonce: string }>([
    db
      .prepare(
        `INSERT INTO resubscriptions (subscriber_id, email, email_normalized, cadence, topics, nonce, requested_at,
           consent_ip, consent_user_agent, consent_source, consent_text_version, language)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?13)
         ON CONFLICT (subscriber_id) DO UPDATE SET
           email = excluded.email, email_normalized = excluded.email_normalized,
           cadence = excluded.cadence, topics = excluded.topics, language = excluded.language,
           nonce = CASE WHEN resubscriptions.requested_at >= ?12 THEN resubscriptions.nonce ELSE excluded.nonce END,
           requested_at = excluded.requested_at,
           consent_ip = excluded.consent_ip, consent_user_agent = excluded.consent_user_agent,
           consent_source = excluded.consent_source, consent_text_version = excluded.consent_text_version
         RETURNING nonce`,
      )
      .bind(
        existing.id,
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
        live,
        input.language,
      ),
    event(db, existing.id, "resubscribe-requested", now, meta, {
      source: input.source,
      cadence: input.cadence,
      topics: input.topics,
      status: existing.status,
    }),
  ]);
  const nonce = resubscription?.results[0]?.nonce as string;
  return { kind: "resubscribe", subscriber: existing, email: input.email, nonce };
}

/** Pending sign-ups and re-subscriptions expire after this long (the confirm link's lifetime too). */
export const PENDING_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface MailboxLimits {
  /** No second confirmation mail to one mailbox within this many seconds. */
  cooldownSeconds: number;
  /** At most this many confirmation mails to one mailbox per 24 hours. */
  perDay: number;
}

/**
 * Claims a confirmation mail to a mailbox (SHA-256 of the address without +suffix), unless one went
 * there within the cooldown or the day's allowance is used. One statement, so two requests at once
 * cannot both pass.
 */
export async function claimConfirmationMail(
  db: D1Database,
  mailboxHash: string,
  now: Date,
  limits: MailboxLimits,
): Promise<boolean> {
  const cooldown = new Date(now.getTime() - limits.cooldownSeconds * 1000).toISOString();
  const day = new Date(now.getTime() - 86_400_000).toISOString();
  const result = await db
    .prepare(
      `INSERT INTO confirmation_sends (mailbox, sent_at)
       SELECT ?1, ?2
       WHERE NOT EXISTS (SELECT 1 FROM confirmation_sends WHERE mailbox = ?1 AND sent_at > ?3)
         AND (SELECT COUNT(*) FROM confirmation_sends WHERE mailbox = ?1 AND sent_at > ?4) < ?5`,
    )
    .bind(mailboxHash, now.toISOString(), cooldown, day, limits.perDay)
    .run();
  return result.meta.changes === 1;
}

/** When claimConfirmationMail would next let a mail through to this mailbox: past the cooldown and the day's allowance. */
export async function confirmationMailAllowedAt(
  db: D1Database,
  mailboxHash: string,
  now: Date,
  limits: MailboxLimits,
): Promise<Date> {
  const day = new Date(now.getTime() - 86_400_000).toISOString();
  const sent = await db
    .prepare(
      "SELECT MIN(sent_at) AS first, MAX(sent_at) AS last, COUNT(*) AS n FROM confirmation_sends WHERE mailbox = ?1 AND sent_at > ?2",
    )
    .bind(mailboxHash, day)
    .first<{ first: string | null; last: string | null; n: number }>();
  if (!sent?.last || !sent.first) return now;
  const afterCooldown = Date.parse(sent.last) + limits.cooldownSeconds * 1000;
  // The day's allowance frees up when the oldest mail of the last 24 hours is a day old.
  const afterDay = sent.n >= limits.perDay ? Date.parse(sent.first) + 86_400_000 : 0;
  return new Date(Math.max(afterCooldown, afterDay, now.getTime()));
}

/** Notes on the row that a confirmation mail went out (a complained address may get one per 30 days). */
export async function markConfirmationSent(db: D1Database, id: number, now: string): Promise<void> {
  await db.prepare("UPDATE subscribers SET confirmation_sent_at = ?2 WHERE id = ?1").bind(id, now).run();
}

/** The target of a confirm link: the pending row itself, or a re-subscription waiting for it. */
export async function pendingConfirmation(
  db: D1Database,
  subscriber: Subscriber,
  nonce: string,
): Promise<{ email: string } | null> {
  if (subscriber.status === "pending") return subscriber.confirm_nonce === nonce ? { email: subscriber.email } : null;
  if (!isSuppressed(subscriber)) return null;
  return db
    .prepare("SELECT email FROM resubscriptions WHERE subscriber_id = ?1 AND nonce = ?2")
    .bind(subscriber.id, nonce)
    .first<{ email: string }>();
}

export type ConfirmResult = "confirmed" | "already-confirmed" | "stale";

/**
 * pending → confirmed, only for the current subscription attempt (nonce); or a waiting re-subscription
 * applied: the row takes the re-subscription's address, choices and consent record, and its suppression
 * ends. Idempotent.
 */
export async function confirmSubscriber(
  db: D1Database,
  id: number,
  nonce: string,
  meta: RequestMeta,
  now: string,
): Promise<ConfirmResult> {
  // Changed rows are read from RETURNING: meta.changes also counts the rows the triggers that keep the
  // list's counts write (migrations/0011_console_counts.sql).
  const updated = await db
    .prepare(
      `UPDATE subscribers SET status = 'confirmed', confirmed_at = ?3, confirmed_ip = ?4, updated_at = ?3
       WHERE id = ?1 AND confirm_nonce = ?2 AND status = 'pending' RETURNING id`,
    )
    .bind(id, nonce, now, meta.ip)
    .all();
  if (updated.results.length === 1) {
    await event(db, id, "confirmed", now, meta).run();
    return "confirmed";
  }
  const waiting = "EXISTS (SELECT 1 FROM resubscriptions r WHERE r.subscriber_id = ?1 AND r.nonce = ?2)";
  const from = (column: string) => `(SELECT r.${column} FROM resubscriptions r WHERE r.subscriber_id = ?1)`;
  const [, applied] = await db.batch([
    db
      .prepare(
        `INSERT INTO subscriber_events (subscriber_id, event, at, ip, user_agent, detail)
         SELECT id, 'confirmed', ?3, ?4, ?5, json_object('resubscribed', status) FROM subscribers
         WHERE id = ?1 AND status IN ('unsubscribed', 'bounced', 'complained') AND ${waiting}`,
      )
      .bind(id, nonce, now, meta.ip, meta.userAgent),
    db
      .prepare(
        `UPDATE subscribers SET status = 'confirmed',
           email = ${from("email")}, email_normalized = ${from("email_normalized")},
           cadence = ${from("cadence")}, topics = ${from("topics")}, language = ${from("language")},
           consent_at = ${from("requested_at")}, consent_ip = ${from("consent_ip")},
           consent_user_agent = ${from("consent_user_agent")}, consent_source = ${from("consent_source")},
           consent_text_version = ${from("consent_text_version")},
           confirm_nonce = ?2, confirmed_at = ?3, confirmed_ip = ?4, updated_at = ?3,
           unsubscribed_at = NULL, suppressed_at = NULL, suppressed_reason = NULL, erased_at = NULL
         WHERE id = ?1 AND status IN ('unsubscribed', 'bounced', 'complained') AND ${waiting}
         RETURNING id`,
      )
      .bind(id, nonce, now, meta.ip),
    db.prepare("DELETE FROM resubscriptions WHERE subscriber_id = ?1 AND nonce = ?2").bind(id, nonce),
  ]);
  if (applied?.results.length === 1) return "confirmed";
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
      `UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = ?2, updated_at = ?2,
         suppressed_at = ?2, suppressed_reason = ?3
       WHERE id = ?1 AND status IN ('pending', 'confirmed') RETURNING id`,
    )
    .bind(id, now, `unsubscribed (${via})`)
    .all();
  // RETURNING, not meta.changes: that counts the rows the counting triggers write too.
  if (updated.results.length === 1) await event(db, id, "unsubscribed", now, meta, { via }).run();
  return (await findById(db, id)) !== null;
}

export async function updatePreferences(
  db: D1Database,
  id: number,
  cadence: Cadence,
  topics: string[],
  meta: RequestMeta,
  now: string,
  language?: string | null,
): Promise<void> {
  // language undefined: left as it is (a form that does not offer it); null: the site's default.
  await db.batch([
    db
      .prepare(
        `UPDATE subscribers SET cadence = ?2, topics = ?3, updated_at = ?4,
           language = CASE WHEN ?6 THEN ?5 ELSE language END WHERE id = ?1`,
      )
      .bind(id, cadence, JSON.stringify(topics), now, language ?? null, language !== undefined ? 1 : 0),
    event(db, id, "preferences", now, meta, { cadence, topics, ...(language !== undefined ? { language } : {}) }),
  ]);
}
