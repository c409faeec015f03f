// Which encoding a client accepts. On Cloudflare (and in wrangler dev) the runtime rewrites the
// request's Accept-Encoding to "br, gzip"; the client's own header is `request.cf.clientAcceptEncoding`.

/** The client's own Accept-Encoding ("" when it sent none). */
export function clientAcceptEncoding(request: Request): string {
  const cf = (request as { cf?: { clientAcceptEncoding?: string } }).cf;
  return cf?.clientAcceptEncoding ?? request.headers.get("Accept-Encoding") ?? "";
}

export function acceptsGzip(header: string): boolean {
  if (!/gzip/i.test(header)) return false;
  // Nearly every reader sends a plain list ("gzip, deflate, br"): no weights to read, nothing to split.
  if (!header.includes(";")) return true;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return (coding === "gzip" || coding === "x-gzip") && (!q || Number(q.slice(2)) > 0);
  });
}
