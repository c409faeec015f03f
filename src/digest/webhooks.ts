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
  const byTags = await db
    .prepare(
      `${set}, provider_id = COALESCE(provider_id, ?5)
       WHERE edition_id = ?2 AND (?3 IS NULL OR chunk = ?3) AND provider_id IS NULL AND lower(address) = ?4`,
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

  const matched = await recordInLedger(db, event, now);
  if (event.type === "email.bounced" && isHardBounce(event)) {
    return suppress(
      "bounced",
      `hard bounce: ${event.data?.bounce?.message ?? event.data?.bounce?.subType ?? "permanent"}`,
    );
  }
  if (event.type === "email.complained") return suppress("complained", "marked as spam");
  if (matched > 0) return "counted";
  const edition = tag(event, "edition");
  if (event.type === "email.delivered" && edition) {
    // Mail the ledger has no row for (sent before it kept ids): counted for the edition only.
    await db.prepare("UPDATE editions SET delivered = delivered + 1 WHERE id = ?1").bind(edition).run();
    return "counted";
  }
  return "ignored";
}
