// Confirmation and welcome mails go through the briefwire-mail queue, so a provider outage delays them
// instead of losing them. Each mail is rendered once, when it is queued, and travels whole in the
// message: every retry sends the same bytes under the same idempotency key, which Resend then
// delivers once. mail_log holds one row per key, so a redelivered message is never sent twice and a
// mail given up (refused, 23 h after it was queued, or dead-lettered) stays on record.
import type { Bindings } from "../env.ts";
import { event } from "../subscriptions/store.ts";
import { createTransport } from "./choose-transport.ts";
import { ProviderGate } from "./provider-gate.ts";
import { noteTransactionalWaiting, quotaResetAt } from "./provider-state.ts";
import type { MailTransport, OutgoingMail } from "./transport.ts";

export const MAIL_QUEUE = "briefwire-mail";
export const MAIL_DEAD_LETTER_QUEUE = "briefwire-mail-dlq";
/** Cloudflare Queues delay a message at most 12 h. */
const MAX_QUEUE_DELAY_SECONDS = 12 * 3600;

export interface MailMessage {
  kind: "confirmation" | "welcome";
  /** The provider's Idempotency-Key and the mail_log row. */
  key: string;
  subscriberId: number;
  /** The subscription attempt the mail belongs to: a mail for an attempt that ended is dropped. */
  nonce: string;
  mail: OutgoingMail;
}

/** Records the mail as queued and queues it; the same key twice queues it once. */
export async function enqueueMail(db: D1Database, queue: Queue<MailMessage>, message: MailMessage, now: Date) {
  const at = now.toISOString();
  const logged = await db
    .prepare(
      `INSERT INTO mail_log (idempotency_key, kind, subscriber_id, status, created_at, updated_at)
       VALUES (?1, ?2, ?3, 'queued', ?4, ?4) ON CONFLICT (idempotency_key) DO NOTHING`,
    )
    .bind(message.key, message.kind, message.subscriberId, at)
    .run();
  if (logged.meta.changes === 0) return;
  await queue.send(message, { contentType: "json" });
}

/**
 * Retry delay after `attempt` failed tries: doubling from the base (MAIL_BACKOFF_SECONDS, default 30),
 * capped at 800 s. How long a mail keeps trying is MAIL_GIVE_UP_AFTER_MS, not a count of tries.
 */
export function mailBackoffSeconds(env: Pick<Bindings, "MAIL_BACKOFF_SECONDS">, attempt: number): number {
  const base = Number(env.MAIL_BACKOFF_SECONDS ?? 30);
  return Math.min(base * 2 ** Math.min(Math.max(attempt - 1, 0), 16), 800);
}

/** Is the mail still wanted: the attempt it confirms is open, or the subscription it welcomes still stands? */
async function stillWanted(db: D1Database, m: MailMessage): Promise<boolean> {
  const sql =
    m.kind === "welcome"
      ? "SELECT 1 AS ok FROM subscribers WHERE id = ?1 AND status = 'confirmed' AND confirm_nonce = ?2"
      : `SELECT 1 AS ok FROM subscribers s WHERE s.id = ?1 AND ((s.status = 'pending' AND s.confirm_nonce = ?2)
           OR EXISTS (SELECT 1 FROM resubscriptions r WHERE r.subscriber_id = s.id AND r.nonce = ?2))`;
  return (await db.prepare(sql).bind(m.subscriberId, m.nonce).first("ok")) === 1;
}

const setLog = (
  db: D1Database,
  key: string,
  status: string,
  at: string,
  extra: { provider?: string; error?: string },
) =>
  db
    .prepare(
      `UPDATE mail_log SET status = ?2, updated_at = ?3, provider_id = COALESCE(?4, provider_id),
         last_error = COALESCE(?5, last_error) WHERE idempotency_key = ?1`,
    )
    .bind(key, status, at, extra.provider ?? null, extra.error ?? null);

type Delivery = { done: true } | { done: false; retryAfterSeconds: number };

/**
 * Resend keeps an idempotency key 24 h: a mail still unsent this long after it was queued (before its
 * first call) is given up, since a later try under its key could deliver twice.
 */
export const MAIL_GIVE_UP_AFTER_MS = 23 * 3_600_000;
/**
 * A message retried this often continues as a fresh message with the same body (key included): the
 * queue dead-letters after max_retries (100), and a rate limit held for minutes uses a try per second.
 * The time limit above, kept in mail_log, decides when to give up, not the count.
 */
export const FRESH_MAIL_MESSAGE_AFTER = 90;
/** How long a rate-limited confirmation or welcome asks the digest to leave it room (src/digest/provider-gate.ts). */
export const ROOM_FOR_TRANSACTIONAL_MS = 60_000;

/**
 * One attempt at one mail. `gate` holds the provider's shared state: while the digest (or another mail)
 * found it down or its quota spent, the mail waits for the next probe or the reset without a call.
 */
export async function deliverMail(
  env: Pick<Bindings, "DB" | "MAIL_BACKOFF_SECONDS">,
  transport: MailTransport,
  gate: ProviderGate,
  m: MailMessage,
  attempt: number,
  now: Date,
): Promise<Delivery> {
  const db = env.DB;
  const at = now.toISOString();
  const row = await db
    .prepare("SELECT status, created_at FROM mail_log WHERE idempotency_key = ?1")
    .bind(m.key)
    .first<{ status: string; created_at: string }>();
  if (row && row.status !== "queued") return { done: true }; // a redelivered message: already settled
  if (row && now.getTime() - Date.parse(row.created_at) >= MAIL_GIVE_UP_AFTER_MS) {
    await giveUp(db, m, "expired", attempt, now);
    return { done: true };
  }
  if (!(await stillWanted(db, m))) {
    await setLog(db, m.key, "dropped", at, { error: "no longer wanted (confirmed, left or erased meanwhile)" }).run();
    return { done: true };
  }
  const log = { event: "mail", kind: m.kind, subscriber: m.subscriberId, key: m.key, attempt };
  const admission = await gate.admit(now);
  if (!admission.call) {
    console.log(
      JSON.stringify({ ...log, outcome: "wait", until: admission.until.toISOString(), reason: admission.reason }),
    );
    return {
      done: false,
      retryAfterSeconds: Math.max(1, Math.ceil((admission.until.getTime() - now.getTime()) / 1000)),
    };
  }
  await db
    .prepare("UPDATE mail_log SET attempts = attempts + 1, updated_at = ?2 WHERE idempotency_key = ?1")
    .bind(m.key, at)
    .run();
  const outcome = await transport.send([m.mail], m.key);
  await gate.record(outcome, now);
  if (outcome.ok) {
    await setLog(db, m.key, "sent", at, { ...(outcome.ids[0] ? { provider: outcome.ids[0] } : {}) }).run();
    console.log(JSON.stringify({ ...log, outcome: "sent" }));
    return { done: true };
  }
  if (!outcome.ok && outcome.kind === "quota") {
    // The account's quota is spent: nothing goes out before it resets; try again then.
    await setLog(db, m.key, "queued", at, { error: `quota: ${outcome.message}` }).run();
    console.log(JSON.stringify({ ...log, outcome: "retry", problem: "quota", message: outcome.message }));
    const reset = quotaResetAt(outcome.period, now).getTime();
    return { done: false, retryAfterSeconds: Math.max(1, Math.ceil((reset - now.getTime()) / 1000)) };
  }
  if (outcome.retry) {
    await setLog(db, m.key, "queued", at, { error: outcome.message }).run();
    if (outcome.kind === "rate_limited") {
      // Someone (most likely the digest) holds the rate: ask it to leave this mail room.
      const until = new Date(now.getTime() + ROOM_FOR_TRANSACTIONAL_MS).toISOString();
      await noteTransactionalWaiting(db, transport.name, until, at);
    }
    console.log(JSON.stringify({ ...log, outcome: "retry", problem: outcome.kind, message: outcome.message }));
    // A rate limit or a request still in flight: wait as the provider says. Trouble: back off.
    const wait =
      outcome.kind === "unavailable"
        ? Math.max(outcome.retryAfterSeconds, mailBackoffSeconds(env, attempt))
        : outcome.retryAfterSeconds;
    return { done: false, retryAfterSeconds: wait };
  }
  await db.batch([
    setLog(db, m.key, "failed", at, { error: `${outcome.kind}: ${outcome.message}` }),
    event(db, m.subscriberId, "mail-failed", at, { ip: null, userAgent: null }, { kind: m.kind, reason: outcome.kind }),
  ]);
  console.error(
    JSON.stringify({
      ...log,
      event: "mail-failed",
      outcome: "failed",
      problem: outcome.kind,
      message: outcome.message,
    }),
  );
  return { done: true };
}

/** Why a queued mail was given up: its mail-failed event's reason, its log line, and what mail_log says. */
const GIVE_UP = {
  expired: { logEvent: "mail-given-up", lastError: "gave up: 23 h after it was queued" },
  "dead-lettered": { logEvent: "mail-dead-lettered", lastError: "dead-lettered after the queue's retries" },
} as const;

/**
 * A mail given up — still unsent 23 h after it was queued, or dead-lettered by the queue: recorded as
 * failed (once: a redelivered message finds it settled) with an event for its subscriber, and logged as
 * an error.
 */
async function giveUp(db: D1Database, m: MailMessage, reason: keyof typeof GIVE_UP, attempts: number, now: Date) {
  const at = now.toISOString();
  const { logEvent, lastError } = GIVE_UP[reason];
  const updated = await db
    .prepare(
      `UPDATE mail_log SET status = 'failed', updated_at = ?2,
         last_error = ?3 || '; last error: ' || COALESCE(last_error, 'none')
       WHERE idempotency_key = ?1 AND status = 'queued'`,
    )
    .bind(m.key, at, lastError)
    .run();
  if (updated.meta.changes) {
    await event(db, m.subscriberId, "mail-failed", at, { ip: null, userAgent: null }, { kind: m.kind, reason }).run();
  }
  console.error(JSON.stringify({ event: logEvent, kind: m.kind, subscriber: m.subscriberId, key: m.key, attempts }));
}

/** Confirmation and welcome mails given up, and when the last one was: the console's health shows them. */
export async function givenUpMail(db: D1Database): Promise<{ count: number; last: string | null }> {
  // Through the partial index mail_log_failed (0023): reads the given-up rows only, never the whole log.
  const row = await db
    .prepare("SELECT COUNT(*) AS n, MAX(updated_at) AS last FROM mail_log WHERE status = 'failed'")
    .first<{ n: number; last: string | null }>();
  return { count: row?.n ?? 0, last: row?.last ?? null };
}

export async function handleMailQueue(batch: MessageBatch<MailMessage>, env: Bindings, now = () => new Date()) {
  if (batch.queue === MAIL_DEAD_LETTER_QUEUE) {
    for (const message of batch.messages) {
      // A failure here is retried by the dead-letter queue's own consumer settings.
      await giveUp(env.DB, message.body, "dead-lettered", message.attempts, now());
      message.ack();
    }
    return;
  }
  let transport: MailTransport;
  try {
    transport = createTransport(env);
  } catch (e) {
    // Fail closed: no provider configured outside local mode. Keep the mails queued and say so loudly.
    console.error(
      JSON.stringify({ event: "mail-not-configured", message: e instanceof Error ? e.message : String(e) }),
    );
    for (const message of batch.messages) message.retry({ delaySeconds: mailBackoffSeconds(env, message.attempts) });
    return;
  }
  let gate: ProviderGate | undefined;
  for (const message of batch.messages) {
    try {
      gate ??= await ProviderGate.open(env.DB, transport.name, (n) => mailBackoffSeconds(env, n), now());
      const result = await deliverMail(env, transport, gate, message.body, message.attempts, now());
      if (result.done) {
        message.ack();
        continue;
      }
      const delaySeconds = Math.min(Math.ceil(result.retryAfterSeconds), MAX_QUEUE_DELAY_SECONDS);
      if (message.attempts < FRESH_MAIL_MESSAGE_AFTER) message.retry({ delaySeconds });
      else {
        // Sent before the ack: a crash in between leaves a duplicate, which mail_log makes harmless.
        await env.MAIL_QUEUE.send(message.body, { delaySeconds, contentType: "json" });
        message.ack();
      }
    } catch (e) {
      console.error(
        JSON.stringify({
          event: "mail-message-error",
          key: message.body.key,
          message: e instanceof Error ? e.message : String(e),
        }),
      );
      message.retry({ delaySeconds: mailBackoffSeconds(env, message.attempts) });
    }
  }
}
