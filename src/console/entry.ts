// Who may enter the console and the admin API: a verified Cloudflare Access token where Access is
// configured; otherwise the admin token, as a bearer header (scripts) or as the signed session cookie
// the sign-in form gives (browsers). Configured for neither outside local mode: nobody (fail closed).
import type { Context } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { adminToken } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { ACCESS_HEADER, accessConfig, verifyAccessToken } from "./access.ts";
import { hasSession } from "./session.ts";

export type Entry =
  | { kind: "admin"; via: "access" | "service-token" | "bearer" | "session" }
  /** No Access configured: the sign-in form (local mode, or a deployment with ADMIN_TOKEN only). */
  | { kind: "signed-out" }
  /** Access configured, and this request carries no valid Access token. */
  | { kind: "access-denied"; reason: string }
  /** Outside local mode with nothing to check against: what to set. */
  | { kind: "not-configured"; setting: string };

const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** Constant-time comparison (of hashes, so lengths leak nothing either). */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** `Authorization: Bearer <ADMIN_TOKEN>`, as scripts send it. */
export async function hasAdminBearer(c: Context<AppEnv>): Promise<boolean> {
  const expected = adminToken(c.env);
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "");
  return !!expected && !!match && (await sameSecret(match[1] as string, expected));
}

export async function whoEnters(c: Context<AppEnv>): Promise<Entry> {
  const access = accessConfig(c.env);
  if (access && "missing" in access) {
    return { kind: "not-configured", setting: `${access.missing} (ACCESS_TEAM_DOMAIN and ACCESS_AUD go together)` };
  }
  if (access) {
    const check = await verifyAccessToken(c.req.header(ACCESS_HEADER), access);
    if (!check.ok) return { kind: "access-denied", reason: `${ACCESS_HEADER} ${check.reason}` };
    return { kind: "admin", via: check.service ? "service-token" : "access" };
  }
  const token = adminToken(c.env);
  if (!token) return { kind: "not-configured", setting: "ADMIN_TOKEN, or ACCESS_TEAM_DOMAIN and ACCESS_AUD" };
  if (await hasAdminBearer(c)) return { kind: "admin", via: "bearer" };
  if (await hasSession(c, token)) return { kind: "admin", via: "session" };
  return { kind: "signed-out" };
}

// Form posts (and text/plain) must come from this site: its own origin, or SITE_URL's where the Worker
// also answers on another hostname. JSON and CSV posts cannot be sent cross-site without a CORS
// preflight, which this Worker never grants.
const formOrigin = csrf({
  origin: (origin, c) => origin === new URL(c.req.url).origin || origin === new URL(c.get("base")).origin,
});

/**
 * Whether an unsafe request may change anything. A browser's (session cookie, or Access's cookie turned
 * into its header) must come from this site; a bearer token or an Access service token is a script's,
 * which no other site can make a browser send.
 */
export async function fromThisSite(c: Context<AppEnv>, entry: Entry): Promise<boolean> {
  if (entry.kind === "admin" && (entry.via === "bearer" || entry.via === "service-token")) return true;
  try {
    await formOrigin(c, async () => {});
    return true;
  } catch (e) {
    if (e instanceof HTTPException && e.status === 403) return false;
    throw e;
  }
}
