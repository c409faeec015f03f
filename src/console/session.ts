// The console's session where no Access stands in front: a signed cookie, HttpOnly, SameSite=Strict,
// scoped to /admin, holding only its expiry. Its key is derived from ADMIN_TOKEN, so changing the
// token ends every session.
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { AppEnv } from "../env.ts";

export const SESSION_COOKIE = "briefwire_console";
export const SESSION_HOURS = 12;
const PATH = "/admin";

const encoder = new TextEncoder();

/** HMAC-SHA256(ADMIN_TOKEN, purpose) as hex: the cookie key, never the token itself. */
async function sessionKey(adminToken: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(adminToken),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode("briefwire console session v1"));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const secure = (c: Context) => new URL(c.req.url).protocol === "https:";

export async function startSession(c: Context<AppEnv>, adminToken: string, now = Date.now()): Promise<void> {
  const expires = Math.floor(now / 1000) + SESSION_HOURS * 3600;
  await setSignedCookie(c, SESSION_COOKIE, String(expires), await sessionKey(adminToken), {
    path: PATH,
    httpOnly: true,
    sameSite: "Strict",
    secure: secure(c),
    maxAge: SESSION_HOURS * 3600,
  });
}

/** True for a cookie signed with the current token's key and not past its expiry. */
export async function hasSession(c: Context<AppEnv>, adminToken: string, now = Date.now()): Promise<boolean> {
  const value = await getSignedCookie(c, await sessionKey(adminToken), SESSION_COOKIE);
  if (!value) return false;
  const expires = Number(value);
  return Number.isInteger(expires) && expires * 1000 > now;
}

export function endSession(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: PATH, httpOnly: true, sameSite: "Strict", secure: secure(c) });
}
