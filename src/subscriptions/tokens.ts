// Signed links: /confirm/<token>, /unsubscribe/<token>, /preferences/<token>.
// token = <purpose>.<subscriber id>.<nonce>.<expiry>.<mac>, where mac = HMAC-SHA256(key, the rest).
// The purpose is inside the MAC, so a token made for one purpose never verifies for another; the nonce
// ties confirm links to one subscription attempt (see migrations/0001); unsubscribe and preferences links
// never expire, as mail stays in inboxes for years.

import { base64url } from "../text/base64url.ts";

export type TokenPurpose = "confirm" | "unsubscribe" | "preferences";

const CODES: Record<TokenPurpose, string> = { confirm: "c", unsubscribe: "u", preferences: "p" };
export const CONFIRM_TTL_SECONDS = 7 * 24 * 3600;

export interface TokenClaims {
  purpose: TokenPurpose;
  subscriberId: number;
  nonce: string;
  /** Unix seconds; 0 = never. */
  expires: number;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: "malformed" | "forged" | "expired" };

const encoder = new TextEncoder();

async function hmac(key: string, message: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
}

/** Constant-time comparison (workerd's timingSafeEqual needs equal lengths; lengths are not secret). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return crypto.subtle.timingSafeEqual(a, b);
}

export function newNonce(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(12)));
}

export async function signToken(key: string, claims: TokenClaims): Promise<string> {
  const body = `${CODES[claims.purpose]}.${claims.subscriberId.toString(36)}.${claims.nonce}.${claims.expires.toString(36)}`;
  return `${body}.${base64url(await hmac(key, body))}`;
}

const SHAPE = /^([cup])\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{8,32})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{43})$/;

/**
 * Checks a token for one purpose; a token of another purpose is "forged" as far as this link goes. `keys`:
 * the current signing key and any retired ones still accepted (see verifyingKeys in src/config.ts).
 */
export async function verifyToken(
  keys: string | readonly string[],
  token: string,
  purpose: TokenPurpose,
  nowSeconds = Date.now() / 1000,
): Promise<TokenCheck> {
  const match = SHAPE.exec(token);
  if (!match) return { ok: false, reason: "malformed" };
  const [, code, id36, nonce, exp36, mac] = match as unknown as [string, string, string, string, string, string];
  const body = token.slice(0, token.length - mac.length - 1);
  const given = Uint8Array.from(atob(mac.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
  let signed = false;
  for (const key of typeof keys === "string" ? [keys] : keys) {
    if (sameBytes(await hmac(key, body), given)) {
      signed = true;
      break;
    }
  }
  if (!signed || code !== CODES[purpose]) return { ok: false, reason: "forged" };
  const expires = Number.parseInt(exp36, 36);
  if (expires !== 0 && expires < nowSeconds) return { ok: false, reason: "expired" };
  return { ok: true, claims: { purpose, subscriberId: Number.parseInt(id36, 36), nonce, expires } };
}
