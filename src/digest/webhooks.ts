// Resend's delivery events (Svix-signed webhooks): hard bounces and complaints suppress the address;
// sent / delivered / bounced / complained are written to the digest ledger, where they also settle
// deliveries recorded failed or unconfirmed that did go out. Each event is handled once, by its svix-id.
import { Webhook, WebhookVerificationError } from "standardwebhooks";

export interface ResendEvent {
  type: string;
  created_at?: string;
  data?: {
    email_id?: string;
    to?: string[] | string;
    bounce?: { type?: string; subType?: string; message?: string };
    tags?: Record<string, string> | { name: string; value: string }[];
  };
}

export type Verified = { ok: true; event: ResendEvent } | { ok: false; reason: string };

/**
 * Checks the signature over the raw body (svix-id, svix-timestamp, svix-signature) and that the
 * timestamp is within five minutes — the library does both, in constant time.
 */
export function verifyWebhook(
  secret: string,
  rawBody: string,
  headers: { id?: string; timestamp?: string; signature?: string },
): Verified {
  if (!headers.id || !headers.timestamp || !headers.signature) return { ok: false, reason: "missing svix headers" };
  try {
    const event = new Webhook(secret).verify(rawBody, {
      "webhook-id": headers.id,
      "webhook-timestamp": headers.timestamp,
      "webhook-signature": headers.signature,
    }) as ResendEvent;
    return { ok: true, event };
  } catch (e) {
    if (e instanceof WebhookVerificationError) return { ok: false, reason: e.message };
    return { ok: false, reason: "unreadable payload" };
  }
}

const addressesOf = (event: ResendEvent) => [event.data?.to ?? []].flat().map((a) => a.trim().toLowerCase());

function tag(event: ResendEvent, name: string): string | undefined {
  const tags = event.data?.tags;
  if (Array.isArray(tags)) return tags.find((t) => t.name === name)?.value;
  return tags?.[name];
}

/** Which timestamp column an event fills in on its delivery row. */
const REPORTED: Record<string, string | null> = {
  "email.sent": null,
  "email.delivered": "delivered_at",
  "email.bounced": "bounced_at",
  "email.complained": "complained_at",
};

/**
 * Writes a provider event to the ledger rows of the mail it is about: found by the provider's id, else
 * (a chunk given up or unconfirmed never learnt its ids) by the edition and chunk tags and the address
 * frozen at the first attempt. Any of these events shows the mail went out, so a failed or unconfirmed
 * delivery becomes sent. Returns how many ledger rows matched.
 */
async function recordInLedger(db: D1Database, event: ResendEvent, now: string): Promise<number> {
  const column = REPORTED[event.type];
  if (column === undefined) return 0;
  const emailId = event.data?.email_id ?? null;
  const edition = tag(event, "edition") ?? null;
  const chunk = tag(event, "chunk");
  const address = addressesOf(event)[0] ?? null;
  const set = `UPDATE deliveries SET
      reconciled_at = CASE WHEN status IN ('failed', 'unconfirmed') THEN ?1 ELSE reconciled_at END,
      status = CASE WHEN status IN ('sending', 'failed', 'unconfirmed') THEN 'sent' ELSE status END,
      ${column ? `${column} = COALESCE(${column}, ?1),` : ""} updated_at = ?1`;
  if (emailId) {
    const byId = await db.prepare(`${set} WHERE provider_id = ?2`).bind(now, emailId).run();
    if (byId.meta.changes > 0) return byId.meta.changes;
  }
  if (!edition || !address) return 0;
  // With its chunk tag (every digest mail has one) the event looks at that chunk's ≤ 100 rows; an
  // optional chunk (`?3 IS NULL OR chunk = ?3`) would keep the index from using it and read the whole
  // edition for every event.
  const byTags = await db
    .prepare(
      `${set}, provider_id = COALESCE(provider_id, ?5)
       WHERE edition_id = ?2 AND ${chunk === undefined ? "?3 IS NULL" : "chunk = ?3"}
         AND provider_id IS NULL AND lower(address) = ?4`,
    )
    .bind(now, edition, chunk === undefined ? null : Number(chunk), address, emailId)
    .run();
  return byTags.meta.changes;
}

/** A hard bounce: the mailbox does not exist or refuses for good. Soft bounces are left alone. */
export function isHardBounce(event: ResendEvent): boolean {
  const type = (event.data?.bounce?.type ?? "").toLowerCase();
  return type === "permanent" || type === "hard";
}

export type Handled = "duplicate" | "suppressed" | "counted" | "ignored";

/**
 * Applies one event exactly once: the claim (its svix-id in webhook_events) and every change it makes
 * are one D1 batch, which D1 runs as one transaction. If applying fails, nothing is claimed, the error
 * reaches the caller (5xx), and the sender's redelivery finds the event unclaimed and applies it.
 */
export async function handleEvent(db: D1Database, id: string, event: ResendEvent, now: string): Promise<Handled> {
  const seen = () => db.prepare("SELECT 1 AS seen FROM webhook_events WHERE id = ?1").bind(id).first("seen");
  if (await seen()) return "duplicate";
  // A plain INSERT: a redelivery racing this one fails on the primary key and rolls its batch back.
  const claim = db
    .prepare("INSERT INTO webhook_events (id, type, received_at) VALUES (?1, ?2, ?3)")
    .bind(id, event.type, now);

  let changes: D1PreparedStatement[] = [];
  let handled: Handled = "ignored";
  const suppress = (status: "bounced" | "complained", reason: string) => {
    // Pending, confirmed and unsubscribed addresses take the stronger suppression; a waiting
    // re-subscription is dropped (its confirmation mail is what bounced or was reported).
    const which = "email_normalized = ?1 AND status IN ('pending', 'confirmed', 'unsubscribed')";
    changes = addressesOf(event).flatMap((address) => [
      db
        .prepare(
          `INSERT INTO subscriber_events (subscriber_id, event, at, detail)
           SELECT id, ?2, ?3, json_object('via', 'webhook', 'reason', ?4, 'was', status) FROM subscribers WHERE ${which}`,
        )
        .bind(address, status, now, reason),
      db
        .prepare(`DELETE FROM resubscriptions WHERE subscriber_id IN (SELECT id FROM subscribers WHERE ${which})`)
        .bind(address),
      db
        .prepare(
          `UPDATE subscribers SET status = ?2, suppressed_at = ?3, suppressed_reason = ?4, updated_at = ?3 WHERE ${which}`,
        )
        .bind(address, status, now, reason),
    ]);
    handled = "suppressed";
  };

  // The ledger write runs before the claim, outside its transaction: it only fills in timestamps that
  // are still empty and moves rows to `sent`, so a redelivery after a failed claim applies it again
  // with the same result.
  const matched = await recordInLedger(db, event, now);
  if (event.type === "email.bounced" && isHardBounce(event)) {
    suppress("bounced", `hard bounce: ${event.data?.bounce?.message ?? event.data?.bounce?.subType ?? "permanent"}`);
  } else if (event.type === "email.complained") {
    suppress("complained", "marked as spam");
  } else if (matched > 0) {
    handled = "counted";
  } else {
    const edition = tag(event, "edition");
    if (event.type === "email.delivered" && edition) {
      // Mail the ledger has no row for (sent before it kept ids): counted for the edition only.
      changes = [db.prepare("UPDATE editions SET delivered = delivered + 1 WHERE id = ?1").bind(edition)];
      handled = "counted";
    }
  }
  try {
    await db.batch([claim, ...changes]);
  } catch (e) {
    // Lost the race to a redelivery of the same event, which applied it: a duplicate, not a failure.
    if (await seen()) return "duplicate";
    throw e;
  }
  return handled;
}
