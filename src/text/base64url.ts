// URL-safe base64 without padding (RFC 4648 §5): tokens, ETags and nonces all travel in URLs or headers.
export function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
