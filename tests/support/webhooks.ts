// Posts Resend webhook events to the Worker, signed as Resend (Svix) signs them.
import { Webhook } from "standardwebhooks";
import { TEST_WEBHOOK_SECRET } from "./test-secrets.ts";
import { get } from "./worker.ts";

let ids = 0;

/** The POST Resend (Svix) makes for `event`, signed with `secret`. */
export function signedEvent(event: unknown, secret: string, id = `msg_support_${++ids}`): RequestInit {
  const at = new Date();
  const body = JSON.stringify(event);
  return {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      "svix-signature": new Webhook(secret).sign(id, at, body),
    },
    body,
  };
}

export async function postEvent(event: unknown): Promise<{ status: number; body: { handled?: string } }> {
  const res = await get("/webhooks/resend", signedEvent(event, TEST_WEBHOOK_SECRET));
  return { status: res.status, body: (await res.json()) as { handled?: string } };
}

/** The event Resend sends about one mail it recorded (tags as Resend sends them: an object). */
export function eventFor(
  type: string,
  mail: { id: string; to: string[]; tags?: { name: string; value: string }[] },
  extra: Record<string, unknown> = {},
) {
  return {
    type,
    created_at: new Date().toISOString(),
    data: {
      email_id: mail.id,
      to: mail.to,
      tags: Object.fromEntries((mail.tags ?? []).map((t) => [t.name, t.value])),
      ...extra,
    },
  };
}
