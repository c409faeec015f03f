// Rendered documents kept per isolate. Content is compiled into the bundle, so a body can only change
// with a new deploy (a new version) or another base URL; both are part of the key. That makes every
// feed request after the first a map lookup: the ETag and the gzip bytes are computed once per body.
import type { Context } from "hono";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
import { rfc822 } from "../render/dates.ts";
import { base64url } from "../text/base64url.ts";

export interface Rendered {
  body: string;
  /** The same body gzip-compressed once, for the clients (nearly all feed readers) that accept it. */
  gzip: Uint8Array;
  contentType: string;
  /** Strong validator: a hash of the exact bytes (the gzip form gets its own, see sendRendered). */
  etag: string;
  /** HTTP date of the newest content in the document (never "now"). */
  lastModified: string;
}

export interface RenderInput {
  body: string;
  contentType: string;
  lastModified: string | Date;
}

/** What a renderer answers when the thing asked for does not exist (unknown tag, page past the end). */
export interface NotFound {
  notFound: string;
}

async function strongEtag(body: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  return `"${base64url(new Uint8Array(digest).subarray(0, 18))}"`;
}

async function gzip(body: string): Promise<Uint8Array> {
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export class RenderCache {
  readonly #entries = new Map<string, Rendered | NotFound>();
  readonly #max: number;

  constructor(max = 512) {
    this.#max = max;
  }

  async get(
    key: string,
    render: () => RenderInput | NotFound | Promise<RenderInput | NotFound>,
  ): Promise<Rendered | NotFound> {
    const hit = this.#entries.get(key);
    if (hit) return hit;
    const input = await render();
    const rendered: Rendered | NotFound =
      "notFound" in input
        ? input
        : {
            body: input.body,
            gzip: await gzip(input.body),
            contentType: input.contentType,
            etag: await strongEtag(input.body),
            lastModified: rfc822(input.lastModified),
          };
    // Oldest first out: Map keeps insertion order. Keeps memory bounded under crawlers walking pages.
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, rendered);
    return rendered;
  }
}

/**
 * The Accept-Encoding the client itself sent. The runtime (Cloudflare, and workerd under wrangler dev)
 * rewrites the request's header to "br, gzip" whatever the client asked for, and keeps the client's
 * own header in cf.clientAcceptEncoding ("" when it sent none). Without a cf object (a request made
 * inside the Worker or a test) the header is the client's.
 */
export function clientAcceptEncoding(req: Request): string | undefined {
  const sent = (req.cf as IncomingRequestCfProperties | undefined)?.clientAcceptEncoding;
  return typeof sent === "string" ? sent : (req.headers.get("Accept-Encoding") ?? undefined);
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return (coding === "gzip" || coding === "x-gzip") && (!q || Number(q.slice(2)) > 0);
  });
}

/**
 * Answers If-None-Match with 304 from the ETag a cached document carries (Hono's etag middleware).
 * Mounted on the routes that serve rendered documents only: on others it would hash every body,
 * and read a streamed export whole.
 */
export const conditionalGet = etag({ retainedHeaders: [...RETAINED_304_HEADERS, "last-modified", "content-type"] });

/**
 * Sends a rendered document with its validators, gzip-compressed when the client accepts it (each
 * encoding is its own representation, so it has its own strong ETag). If-None-Match is answered by
 * conditionalGet (mounted on each such route); If-Modified-Since is answered here, and only when no
 * If-None-Match was sent, as RFC 9110 §13.1.3 asks.
 */
export function sendRendered(c: Context, doc: Rendered, maxAgeSeconds: number): Response {
  // Plain clients (curl without --compressed, Python's urllib, wget) get plain bytes.
  const gzipped = acceptsGzip(clientAcceptEncoding(c.req.raw));
  const headers = new Headers({
    "Content-Type": doc.contentType,
    ETag: gzipped ? doc.etag.replace(/"$/, '.gz"') : doc.etag,
    "Last-Modified": doc.lastModified,
    "Cache-Control": `public, max-age=${maxAgeSeconds}`,
    Vary: "Accept-Encoding",
  });
  const since = c.req.header("If-Modified-Since");
  if (since && !c.req.header("If-None-Match")) {
    const sinceMs = Date.parse(since);
    if (!Number.isNaN(sinceMs) && Date.parse(doc.lastModified) <= sinceMs) {
      return new Response(null, { status: 304, headers });
    }
  }
  if (!gzipped) return new Response(doc.body, { status: 200, headers });
  headers.set("Content-Encoding", "gzip");
  // "manual": the bytes are already compressed; the runtime must send them as they are.
  return new Response(doc.gzip, { status: 200, headers, encodeBody: "manual" });
}
