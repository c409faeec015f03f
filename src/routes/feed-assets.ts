// The feeds and calendars: every page of every feed (all briefings, outcomes, each tag; RSS, Atom,
// JSON Feed) and the events calendars. The build renders them into static assets; the Worker runs
// first for their paths (`run_worker_first` in wrangler.toml) and serves them itself
// (src/http/document-assets.ts), because the asset layer alone cannot keep the contract:
// - Last-Modified and If-Modified-Since → 304 (the asset layer answers If-None-Match only);
// - gzip for Atom, JSON Feed and calendars (the edge compresses RSS and HTML, not those types);
// - old paged URLs (`/feed.xml?page=2`), redirected to the path URL of the page (`/page/2/feed.xml`):
//   the asset layer matches paths only, and would answer with the newest page;
// - feeds and calendars that do not exist: the site's 404 page.
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env.ts";
import { pagePath } from "../feeds/document.ts";
import { CALENDAR_PATH, FEED_PATH } from "../feeds/series.ts";
import { serveDocument } from "../http/document-assets.ts";
import { problem } from "../http/problem.ts";
import { fieldErrors } from "../http/validation.ts";
import { renderError } from "./pages.ts";

export const feedAssetRoutes = new Hono<AppEnv>();

const pageQuery = z.object({
  page: z.optional(
    z.pipe(
      z.string().check(z.regex(/^[1-9][0-9]{0,5}$/, "must be a whole number from 1, without sign or leading zeros")),
      z.transform(Number),
    ),
  ),
});

feedAssetRoutes.use("*", async (c, next) => {
  const path = c.req.path;
  const feed = FEED_PATH.test(path);
  if (!feed && !CALENDAR_PATH.test(path)) return next();
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    return c.text(`Method ${c.req.method} is not allowed here. Allowed: GET, HEAD.\n`, 405, { Allow: "GET, HEAD" });
  }
  // Most requests have no query: no need to parse one.
  if (feed && c.req.url.includes("?")) {
    const query = pageQuery.safeParse(c.req.query());
    if (!query.success) return problem(c, 400, "Invalid request", fieldErrors(query.error.issues, "query"));
    if (query.data.page !== undefined && !path.includes("/page/")) {
      const url = new URL(c.req.url);
      url.searchParams.delete("page");
      // Permanent: readers that stored the old URL replace it.
      return c.redirect(`${pagePath(path, query.data.page)}${url.search}`, 301);
    }
  }
  const response = await serveDocument(c.req.raw, c.env.ASSETS, path);
  if (response) return response;
  return feed
    ? renderError(c, 404, "Feed not found", "There is no feed at this address.")
    : renderError(c, 404, "Calendar not found", "There is no calendar at this address.");
});
