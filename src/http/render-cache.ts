// Rendered documents with their validators and gzip form, kept per content version and base URL (both
// in the key). The document routes answer through it; they run at build time (src/documents/), where
// the body is what counts, and in tests that ask them directly.
import type { Context, MiddlewareHandler } from "hono";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
import { rfc822 } from "../render/dates.ts";
import { base64url } from "../text/base64url.ts";
import { notModified } from "./conditional.ts";
import { acceptsGzip } from "./encoding.ts";

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
  readonly #validators: boolean;

  /**
   * `validators: false` skips the gzip form and the ETag: the build writes bodies only (the asset
   * layer has its own ETags and compression), and computing them for every document is wasted time.
   */
  constructor(max = 512, options: { validators?: boolean } = {}) {
    this.#max = max;
    this.#validators = options.validators ?? true;
  }

  get validators(): boolean {
    return this.#validators;
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
            gzip: this.#validators ? await gzip(input.body) : new Uint8Array(),
            contentType: input.contentType,
            etag: this.#validators ? await strongEtag(input.body) : "",
            lastModified: rfc822(input.lastModified),
          };
    // Oldest first out: Map keeps insertion order. Keeps memory bounded under crawlers walking pages.
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, rendered);
    return rendered;
  }
}

/**
 * Answers If-None-Match with 304 from the ETag a cached document carries (Hono's etag middleware).
 * Mounted on the routes that serve rendered documents only: on others it would hash every body,
 * and read a streamed export whole.
 */
const etagMiddleware = etag({ retainedHeaders: [...RETAINED_304_HEADERS, "last-modified", "content-type"] });
export const conditionalGet: MiddlewareHandler = (c, next) =>
  (c.get("renders") as RenderCache | undefined)?.validators === false ? next() : etagMiddleware(c, next);

/**
 * Sends a rendered document with its validators, gzip-compressed when the client accepts it (each
 * encoding is its own representation, so it has its own strong ETag). If-None-Match is answered by
 * conditionalGet (mounted on each such route); If-Modified-Since is answered here, and only when no
 * If-None-Match was sent, as RFC 9110 §13.1.3 asks (src/http/conditional.ts).
 */
export function sendRendered(c: Context, doc: Rendered, maxAgeSeconds: number): Response {
  const gzipped = doc.gzip.length > 0 && acceptsGzip(c.req.header("Accept-Encoding") ?? "");
  const headers = new Headers({
    "Content-Type": doc.contentType,
    "Last-Modified": doc.lastModified,
    "Cache-Control": `public, max-age=${maxAgeSeconds}`,
    Vary: "Accept-Encoding",
  });
  if (doc.etag) headers.set("ETag", gzipped ? doc.etag.replace(/"$/, '.gz"') : doc.etag);
  // If-None-Match itself is conditionalGet's (the etag middleware): here only If-Modified-Since.
  if (notModified(c.req.header("If-None-Match"), c.req.header("If-Modified-Since"), { lastModified: doc.lastModified }))
    return new Response(null, { status: 304, headers });
  if (!gzipped) return new Response(doc.body, { status: 200, headers });
  headers.set("Content-Encoding", "gzip");
  // "manual": the bytes are already compressed; the runtime must send them as they are.
  return new Response(doc.gzip, { status: 200, headers, encodeBody: "manual" });
}
