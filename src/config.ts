// Settings derived from the environment, with the local-mode defaults the contract allows.
// Local mode = SITE_URL points at this machine; anywhere else the defaults are refused.
import type { Bindings } from "./env.ts";

/** Fixed key for local development only: tokens signed with it are worthless anywhere else. */
const DEV_SIGNING_KEY = "briefwire-local-development-signing-key-not-secret";
export const DEV_ADMIN_TOKEN = "dev-admin-token";
/** The webhook secret .dev.vars.example holds, so signed test events can be posted locally (docs/operating.md). */
export const DEV_WEBHOOK_SECRET = "whsec_YnJpZWZ3aXJlLWxvY2FsLXdlYmhvb2tzLW5vdC1zZWNyZXQh";

export class ConfigError extends Error {
  /** What a visitor or API client is told (the message itself names the setting, for the log). */
  readonly publicReason: string;
  constructor(message: string, publicReason = "This part of the site is not configured yet.") {
    super(message);
    this.name = "ConfigError";
    this.publicReason = publicReason;
  }
}

export function isLocal(env: Pick<Bindings, "SITE_URL">): boolean {
  try {
    const host = new URL(env.SITE_URL).hostname;
    return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
  } catch {
    return false;
  }
}

/** The key links are signed with. A deployed Worker without SIGNING_SECRET refuses to issue or check links. */
export function signingKey(env: Bindings): string {
  if (env.SIGNING_SECRET) return env.SIGNING_SECRET;
  if (isLocal(env)) return DEV_SIGNING_KEY;
  throw new ConfigError("SIGNING_SECRET is not set: run `wrangler secret put SIGNING_SECRET`");
}

/**
 * The keys a link may be signed with: SIGNING_SECRET first, then each retired key in
 * SIGNING_SECRET_PREVIOUS. Unsubscribe and preferences links never expire and mail stays in inboxes for
 * years, so a rotation keeps the old key here for verifying only (and chunks frozen before the deploy
 * carry links signed with it).
 */
export function verifyingKeys(env: Bindings): string[] {
  const previous = (env.SIGNING_SECRET_PREVIOUS ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  return [signingKey(env), ...previous];
}

/** The admin bearer token, or null when none is configured (the admin API then answers 401 to all). */
export function adminToken(env: Bindings): string | null {
  if (env.ADMIN_TOKEN) return env.ADMIN_TOKEN;
  return isLocal(env) ? DEV_ADMIN_TOKEN : null;
}

/**
 * The secret Resend's webhooks are verified with, or null: unset, or the published development secret
 * outside local mode (anyone could sign events with it).
 */
export function webhookSecret(env: Pick<Bindings, "SITE_URL" | "RESEND_WEBHOOK_SECRET">): string | null {
  const secret = env.RESEND_WEBHOOK_SECRET;
  if (!secret || (secret === DEV_WEBHOOK_SECRET && !isLocal(env))) return null;
  return secret;
}

/** Absolute base URL for links, without a trailing slash: SITE_URL, else data/site.yaml's baseUrl. */
export function baseUrl(env: Partial<Pick<Bindings, "SITE_URL">> | undefined, siteBaseUrl: string): string {
  return (env?.SITE_URL || siteBaseUrl).replace(/\/+$/, "");
}

/**
 * Refuses, outside local mode, to go on without a mail provider: the local outbox is for this machine
 * only, and falling back to it would record mail as sent that nobody gets. Every path that mails calls
 * this before it changes anything.
 */
export function requireMailDelivery(env: Pick<Bindings, "SITE_URL" | "RESEND_API_KEY">): void {
  if (env.RESEND_API_KEY || isLocal(env)) return;
  throw new ConfigError(
    "RESEND_API_KEY is not set: run `wrangler secret put RESEND_API_KEY` (outside local mode mail never goes to the outbox)",
    "Mail delivery is not configured, so no mail can be sent right now. Nothing was changed; please try again later.",
  );
}
