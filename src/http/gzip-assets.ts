// Gzip for the feed formats Cloudflare's edge does not compress. The edge compresses what the static
// asset layer serves by media type, and its list has RSS and HTML but neither `application/atom+xml`
// nor `application/feed+json`. So the Worker runs first for those paths (`run_worker_first` in
// wrangler.toml) and gzips the asset itself, once per isolate: assets never change within a deploy,
// and an isolate belongs to one deploy, so the path is a safe key.
interface Compressed {
  gzip: Uint8Array;
  /** Weak, as the edge makes a strong ETag when it compresses: the same document, another encoding. */
  etag: string;
  headers: [string, string][];
}

const MAX_ENTRIES = 256;
const cache = new Map<string, Compressed>();

/** The client's own Accept-Encoding: the runtime rewrites the header itself to "br, gzip". */
export function clientAcceptEncoding(request: Request): string {
  const cf = (request as { cf?: { clientAcceptEncoding?: string } }).cf;
  return cf?.clientAcceptEncoding ?? request.headers.get("Accept-Encoding") ?? "";
}

export function acceptsGzip(header: string): boolean {
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return (coding === "gzip" || coding === "x-gzip") && (!q || Number(q.slice(2)) > 0);
  });
}

/** RFC 9110 weak comparison against an If-None-Match list. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((t) => t.trim() === "*" || opaque(t) === opaque(etag));
}

async function compress(assets: Fetcher, url: URL): Promise<Compressed | null> {
  const hit = cache.get(url.pathname);
  if (hit) return hit;
  const asset = await assets.fetch(new Request(url.origin + url.pathname));
  const etag = asset.headers.get("ETag");
  if (asset.status !== 200 || !etag || !asset.body) return null;
  const gzip = new Uint8Array(await new Response(asset.body.pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
  const headers = [...asset.headers].filter(([name]) => !/^(etag|content-length|content-encoding)$/i.test(name));
  const entry = { gzip, etag: etag.startsWith("W/") ? etag : `W/${etag}`, headers };
  // Oldest out first: keeps memory bounded while a crawler walks every page.
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(url.pathname, entry);
  return entry;
}

/** Serves a static document, gzip-compressed when the client asks for it. */
export async function serveAsset(request: Request, assets: Fetcher): Promise<Response> {
  const url = new URL(request.url);
  const entry = acceptsGzip(clientAcceptEncoding(request)) ? await compress(assets, url) : null;
  if (!entry) {
    const asset = await assets.fetch(request);
    const response = new Response(asset.body, asset); // a copy: the middleware adds headers to it
    if (asset.status === 200 || asset.status === 304) response.headers.set("Vary", "Accept-Encoding");
    return response;
  }
  const headers = new Headers(entry.headers);
  headers.set("ETag", entry.etag);
  headers.set("Vary", "Accept-Encoding");
  if (matches(request.headers.get("If-None-Match") ?? undefined, entry.etag))
    return new Response(null, { status: 304, headers });
  headers.set("Content-Encoding", "gzip");
  // "manual": the bytes are already compressed; the runtime must send them as they are.
  return new Response(request.method === "HEAD" ? null : entry.gzip, { status: 200, headers, encodeBody: "manual" });
}
