// How long subscriber data is kept: pending sign-ups expire, counters age out, and one person can be
// erased on request, leaving only a hashed suppression entry.
import { erasedKey } from "./address.ts";
import { findByAddress, PENDING_TTL_SECONDS } from "./store.ts";

/** Runs on the 15-minute cron (see src/index.ts). */
export const CLEANUP_CRON = "*/15 * * * *";

export interface CleanupResult {
  expiredPending: number;
  expiredResubscriptions: number;
}

/**
 * Deletes pending sign-ups nobody confirmed within 7 days (with their events, which hold the request's
 * IP and user agent) and writes one "pending-expired" event without personal data in their place;
 * drops re-subscriptions of the same age (the suppressed row stays as it was) and confirmation
 * counters older than a day. One transaction.
 */
export async function expireStale(db: D1Database, now: Date): Promise<CleanupResult> {
  const at = now.toISOString();
  const cutoff = new Date(now.getTime() - PENDING_TTL_SECONDS * 1000).toISOString();
  const day = new Date(now.getTime() - 86_400_000).toISOString();
  // A pending row that once had digests (only possible for rows from before re-subscriptions existed)
  // stays: the send ledger refers to it.
  const stale = `status = 'pending' AND consent_at < ?1
    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.subscriber_id = subscribers.id)`;
  const results = await db.batch([
    db
      .prepare(
        `INSERT INTO subscriber_events (subscriber_id, event, at, detail)
         SELECT NULL, 'pending-expired', ?2, json_object('subscriber', id, 'requested_at', consent_at)
         FROM subscribers WHERE ${stale}`,
      )
      .bind(cutoff, at),
    db
      .prepare(`DELETE FROM subscriber_events WHERE subscriber_id IN (SELECT id FROM subscribers WHERE ${stale})`)
      .bind(cutoff),
    // RETURNING counts the rows deleted; meta.changes would add what the counting triggers write.
    db.prepare(`DELETE FROM subscribers WHERE ${stale} RETURNING id`).bind(cutoff),
    db
      .prepare(
        `INSERT INTO subscriber_events (subscriber_id, event, at, detail)
         SELECT subscriber_id, 'resubscribe-expired', ?2, json_object('requested_at', requested_at)
         FROM resubscriptions WHERE requested_at < ?1`,
      )
      .bind(cutoff, at),
    db.prepare("DELETE FROM resubscriptions WHERE requested_at < ?1").bind(cutoff),
    db.prepare("DELETE FROM confirmation_sends WHERE sent_at < ?1").bind(day),
  ]);
  const result = {
    expiredPending: results[2]?.results.length ?? 0,
    expiredResubscriptions: results[4]?.meta.changes ?? 0,
  };
  if (result.expiredPending || result.expiredResubscriptions) {
    console.log(JSON.stringify({ event: "subscribers-expired", ...result }));
  }
  return result;
}

export type EraseResult = { erased: false } | { erased: true; id: number; status: string };

/**
 * Erases one person (GDPR art. 17): their address becomes a SHA-256 hash, IPs, user agent, topics and
 * event history go, mails to them leave the local outbox, and the row stays as a suppression entry
 * (pending or confirmed become unsubscribed) so neither the digest, an import nor a form can mail them
 * again without a new confirmed double opt-in. Idempotent.
 */
export async function eraseSubscriber(db: D1Database, normalized: string, now: Date): Promise<EraseResult> {
  const subscriber = await findByAddress(db, normalized);
  if (!subscriber) return { erased: false };
  const at = now.toISOString();
  const hashed = await erasedKey(normalized);
  await db.batch([
    db.prepare("DELETE FROM subscriber_events WHERE subscriber_id = ?1").bind(subscriber.id),
    db.prepare("DELETE FROM resubscriptions WHERE subscriber_id = ?1").bind(subscriber.id),
    // The send ledger froze their address and links at each chunk's first attempt. Settled rows lose
    // them now (a row still waiting for its first attempt has none, and is skipped then: the row is no
    // longer confirmed). A row in a chunk whose first attempt is still being retried keeps them until it
    // settles (the retry must send the same bytes, or the provider refuses the whole batch); then the
    // trigger of migrations/0015 clears them, and the outbox's copy.
    db
      .prepare(
        `UPDATE deliveries SET address = NULL, unsubscribe_url = NULL, preferences_url = NULL
         WHERE subscriber_id = ?1 AND status <> 'sending'`,
      )
      .bind(subscriber.id),
    // The local outbox keeps whole mails (local mode only); the address is stored as typed.
    db.prepare("DELETE FROM outbox WHERE to_address = ?1 OR lower(to_address) = ?2").bind(subscriber.email, normalized),
    db
      .prepare(
        `UPDATE subscribers SET email = ?2, email_normalized = ?2,
           unsubscribed_at = CASE WHEN status IN ('pending', 'confirmed') THEN ?3 ELSE unsubscribed_at END,
           status = CASE WHEN status IN ('pending', 'confirmed') THEN 'unsubscribed' ELSE status END,
           topics = '[]', consent_ip = NULL, consent_user_agent = NULL, confirmed_ip = NULL,
           confirm_nonce = lower(hex(randomblob(16))),
           suppressed_at = COALESCE(suppressed_at, ?3),
           suppressed_reason = CASE WHEN suppressed_reason IS NULL THEN 'erased on request'
             WHEN suppressed_reason LIKE '%erased on request' THEN suppressed_reason
             ELSE suppressed_reason || '; erased on request' END,
           erased_at = ?3, updated_at = ?3
         WHERE id = ?1`,
      )
      .bind(subscriber.id, hashed, at),
    db
      .prepare("INSERT INTO subscriber_events (subscriber_id, event, at) VALUES (?1, 'erased', ?2)")
      .bind(subscriber.id, at),
  ]);
  const status =
    subscriber.status === "pending" || subscriber.status === "confirmed" ? "unsubscribed" : subscriber.status;
  console.log(JSON.stringify({ event: "subscriber-erased", subscriber: subscriber.id }));
  return { erased: true, id: subscriber.id, status };
}
