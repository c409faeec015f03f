// What the Worker is given by the platform: bindings and vars from wrangler.toml (typed by
// `wrangler types` in worker-configuration.d.ts) plus secrets, which are absent until set with
// `wrangler secret put` (or in .dev.vars locally); and what the app hands its routes.
import type { BriefingIndex, SiteInfo } from "./content/schema.ts";

export interface Secrets {
  /** Unset: mail goes to the local outbox (D1) instead of Resend. */
  RESEND_API_KEY?: string;
  /** Default https://api.resend.com; tests point it at a local stand-in. */
  RESEND_BASE_URL?: string;
  /** whsec_…: verifies Resend's (Svix-signed) webhooks. */
  RESEND_WEBHOOK_SECRET?: string;
  /** HMAC key for confirm/unsubscribe/preferences links. */
  SIGNING_SECRET?: string;
  /** Retired SIGNING_SECRETs, comma-separated: links they signed still verify; nothing new is signed with them. */
  SIGNING_SECRET_PREVIOUS?: string;
  /** Bearer token for /admin/*. */
  ADMIN_TOKEN?: string;
  /** Sender, e.g. "Briefings <briefings@example.org>"; defaults to data/site.yaml's mailFrom. */
  MAIL_FROM?: string;
  /** WebSub hub URL: feeds advertise it and the cron pings it when briefings are new. Unset: no WebSub. */
  WEBSUB_HUB?: string;
  /** Base of the digest's retry backoff in seconds (default 5); tests set 0. */
  DIGEST_BACKOFF_SECONDS?: string;
  /** Base of the confirmation and welcome mails' retry backoff in seconds (default 30); tests set 0. */
  MAIL_BACKOFF_SECONDS?: string;
  /** D1 queries one digest planning invocation may make (default 500; 50 on Workers Free). */
  DIGEST_PLAN_QUERY_BUDGET?: string;
  /** D1 queries one digest consumer invocation may make (default 900; 50 on Workers Free). */
  DIGEST_CONSUMER_QUERY_BUDGET?: string;
  /** Provider calls one digest consumer invocation may make (default 100; under 50 on Workers Free). */
  DIGEST_CONSUMER_CALL_BUDGET?: string;
}

export type Bindings = Env & Secrets;

/** What every request handler sees: the bindings, and the values the app sets before the routes run. */
export interface AppVariables {
  /** Site settings, tag names, content version: what the Worker is built with (never the archive). */
  content: SiteInfo;
  /** Absolute base URL for links, without a trailing slash. */
  base: string;
  /** The index of recent briefings (the static asset, loaded once per isolate): all the Worker sees of them. */
  /** The index of recent briefings as readers see it at `at` (default now; ALL_SCHEDULED: every one). */
  briefingIndex: (at?: Date) => Promise<BriefingIndex>;
}

export type AppEnv = { Bindings: Bindings; Variables: AppVariables };
