// E-mail addresses as readers type them → the form we store and send to, or the reason we cannot.
// Accepts what mail providers accept, internationalised addresses included (RFC 6531 Unicode local
// parts; IDN domains, converted to punycode so any provider can route them). Rejects anything that
// could smuggle headers (CR/LF), display names, quoted local parts, IP literals and overlong parts.

export type AddressResult = { ok: true; email: string; normalized: string } | { ok: false; reason: string };

// RFC 5322 atext, plus any non-ASCII letter or digit (RFC 6531).
const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\p{L}\p{M}\p{N}]+$/u;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function parseAddress(input: string): AddressResult {
  const trimmed = input.normalize("NFC").trim();
  if (trimmed === "") return { ok: false, reason: "is required" };
  if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(trimmed))
    return { ok: false, reason: "must not contain line breaks or control characters" };
  if (/\s/u.test(trimmed)) return { ok: false, reason: "must not contain spaces" };
  if (trimmed.length > 254) return { ok: false, reason: "is too long (at most 254 characters)" };
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at === trimmed.length - 1) return { ok: false, reason: "must look like name@example.org" };
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  if (new TextEncoder().encode(local).length > 64) return { ok: false, reason: "has a name part longer than 64 bytes" };
  if (local.split(".").some((atom) => !LOCAL_ATOM.test(atom))) {
    return { ok: false, reason: "has characters or dots that are not allowed before the @" };
  }
  if (domain.startsWith("[")) return { ok: false, reason: "must use a domain name, not an IP address" };
  let ascii: string;
  try {
    ascii = new URL(`http://${domain}/`).hostname;
  } catch {
    return { ok: false, reason: "has an invalid domain after the @" };
  }
  const labels = ascii.split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^[0-9]+$/.test(labels.at(-1) as string)) {
    return { ok: false, reason: "has an invalid domain after the @" };
  }
  const email = `${local}@${ascii}`;
  return { ok: true, email, normalized: email.toLowerCase() };
}

/**
 * The mailbox an address delivers to, for limits against mail bombing: the local part without a
 * `+suffix` (sub-addresses reach the same inbox) and the domain case-folded. The local part is
 * folded too, as everywhere else in the store (one subscription per address whatever its case).
 */
export function mailboxOf(normalized: string): string {
  const at = normalized.lastIndexOf("@");
  const local = normalized.slice(0, at);
  const plus = local.indexOf("+");
  return `${(plus > 0 ? local.slice(0, plus) : local).toLowerCase()}@${normalized.slice(at + 1).toLowerCase()}`;
}

/** SHA-256 hex of a text: how erased addresses and mailbox counters are stored, never in clear. */
export async function sha256Hex(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The value an erased subscriber's email and email_normalized hold: a hash of the normalized address. */
export async function erasedKey(normalized: string): Promise<string> {
  return `erased:${await sha256Hex(normalized)}`;
}
