// Conditional GET (RFC 9110 §13.1), for the documents the Worker serves from the static assets and
// for the document routes (render-cache.ts): the one place that decides whether 304 may be answered.

/** RFC 9110 §13.1.2 weak comparison of an If-None-Match list with a document's ETag. */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  // The common case first, without allocating: a reader sends back the one ETag it was given.
  if (ifNoneMatch === etag) return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, "");
  const own = opaque(etag);
  return ifNoneMatch.split(",").some((t) => t.trim() === "*" || opaque(t) === own);
}

/**
 * Whether a GET or HEAD may be answered 304 Not Modified. If-None-Match decides when the request has
 * one; If-Modified-Since counts only without it (RFC 9110 §13.1.3), and only as a valid HTTP date.
 * `etag` undefined: If-None-Match is answered elsewhere (Hono's etag middleware), so a request that
 * sends one is not decided here.
 */
export function notModified(
  ifNoneMatch: string | null | undefined,
  ifModifiedSince: string | null | undefined,
  validators: { etag?: string | undefined; lastModified?: string | undefined },
): boolean {
  if (ifNoneMatch) return validators.etag !== undefined && etagMatches(ifNoneMatch, validators.etag);
  const { lastModified } = validators;
  if (!ifModifiedSince || !lastModified) return false;
  // A reader sends back the Last-Modified it was given: equal strings need no date parsing.
  if (ifModifiedSince === lastModified) return true;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && Date.parse(lastModified) <= since;
}
