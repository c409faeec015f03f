// Helpers for tests that talk to the Worker under test through its fetch handler.
import { env, exports } from "cloudflare:workers";

export const SITE = "http://localhost:8787";
export const ADMIN = { Authorization: "Bearer dev-admin-token" };

export function get(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${SITE}${path}`, init));
}

let clients = 0;
/** A different client address per request, so the per-client rate limit only bites where a test means it to. */
const someClient = () => ({
  "CF-Connecting-IP": `10.${(clients >> 16) & 255}.${(clients >> 8) & 255}.${clients++ & 255}`,
});

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return get(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...someClient(), ...headers },
    body: JSON.stringify(body),
  });
}

export function postForm(
  path: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return get(path, {
    method: "POST",
    // A browser posting the site's own form names the site as its Origin.
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: SITE, ...someClient(), ...headers },
    body,
  });
}

export interface OutboxMessage {
  id: string;
  from: string;
  to: string;
  subject: string;
  headers: Record<string, string>;
  html: string;
  text: string;
  created_at: string;
}

export async function outbox(limit = 10_000): Promise<OutboxMessage[]> {
  const res = await get(`/outbox.json?limit=${limit}`);
  return ((await res.json()) as { messages: OutboxMessage[] }).messages;
}

/** Steps past the 5-minute per-mailbox cooldown without waiting: earlier confirmation mails move back 6 minutes. */
export async function pastCooldown() {
  await env.DB.prepare("UPDATE confirmation_sends SET sent_at = ?1 WHERE sent_at > ?1")
    .bind(new Date(Date.now() - 6 * 60_000).toISOString())
    .run();
}

/** Mail is queued after the response (waitUntil): wait until `count` messages to `to` are there. */
export async function mailsTo(to: string, count = 1, timeoutMs = 5000): Promise<OutboxMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await outbox()).filter((m) => m.to === to);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function linkIn(text: string, path: "confirm" | "unsubscribe" | "preferences"): string {
  // A reader of another language gets the link under its prefix (/fr/confirm/…).
  const match = new RegExp(`${SITE}(?:/[a-z]{2,3})?/${path}/[A-Za-z0-9._-]+`).exec(text);
  if (!match) throw new Error(`no ${path} link in: ${text.slice(0, 500)}`);
  return match[0].slice(SITE.length);
}

export async function row(email: string) {
  return env.DB.prepare("SELECT * FROM subscribers WHERE email_normalized = ?1")
    .bind(email.toLowerCase())
    .first<Record<string, unknown>>();
}
