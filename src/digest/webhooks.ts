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

export async function handleEvent(db: D1Database, id: string, event: ResendEvent, now: string): Promise<Handled> {
  const first = await db
    .prepare("INSERT INTO webhook_events (id, type, received_at) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO NOTHING")
    .bind(id, event.type, now)
    .run();
  if (first.meta.changes === 0) return "duplicate";

  const suppress = async (status: "bounced" | "complained", reason: string) => {
    const statements = addressesOf(event).map((address) =>
      db
        .prepare(
          `UPDATE subscribers SET status = ?2, suppressed_at = ?3, suppressed_reason = ?4, updated_at = ?3
           WHERE email_normalized = ?1 AND status IN ('pending', 'confirmed')`,
        )
        .bind(address, status, now, reason),
    );
    if (statements.length) await db.batch(statements);
    return "suppressed" as const;
  };

  if (event.type === "email.bounced" && isHardBounce(event)) {
    return suppress(
      "bounced",
      `hard bounce: ${event.data?.bounce?.message ?? event.data?.bounce?.subType ?? "permanent"}`,
    );
  }
  if (event.type === "email.complained") return suppress("complained", "marked as spam");
  if (event.type === "email.delivered") {
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
    if (!edition) return "ignored";
    await db.prepare("UPDATE editions SET delivered = delivered + 1 WHERE id = ?1").bind(edition).run();
    return "counted";
  }
  return "ignored";
}
