// Resend's delivery events (Svix-signed webhooks): hard bounces and complaints suppress the address;
// deliveries are counted for their edition. Each event is handled once, by its svix-id.
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

function editionTag(event: ResendEvent): string | undefined {
  const tags = event.data?.tags;
  if (Array.isArray(tags)) return tags.find((t) => t.name === "edition")?.value;
  return tags?.edition;
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

  if (event.type === "email.bounced" && isHardBounce(event)) {
    suppress("bounced", `hard bounce: ${event.data?.bounce?.message ?? event.data?.bounce?.subType ?? "permanent"}`);
  } else if (event.type === "email.complained") {
    suppress("complained", "marked as spam");
  } else if (event.type === "email.delivered") {
    // The provider id finds the edition; the edition tag is a fallback for mail sent before the ledger had ids.
    const edition =
      (event.data?.email_id
        ? (
            await db
              .prepare("SELECT edition_id FROM deliveries WHERE provider_id = ?1")
              .bind(event.data.email_id)
              .first<{ edition_id: string }>()
          )?.edition_id
        : undefined) ?? editionTag(event);
    if (edition) {
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
