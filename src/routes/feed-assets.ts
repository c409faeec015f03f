// The feed paths that reach the Worker. The static asset layer serves the feeds itself, except:
// - Atom and JSON Feed documents, for which the Worker runs first (`run_worker_first` in wrangler.toml)
//   to gzip them (src/http/gzip-assets.ts);
// - old paged URLs (`/atom.xml?page=2`), redirected to the path URL of the page (`/page/2/atom.xml`).
//   The asset layer matches paths only, so for RSS, served without the Worker, such a URL gets the
//   newest page; for Atom and JSON Feed, and any feed without a file, the Worker redirects it;
// - feeds that do not exist: the site's 404 page.
// The events calendars (`text/calendar`) are not on the edge's list either: they come through here too,
// gzipped for clients that ask; an unknown tag's calendar gets the 404 page.
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env.ts";
import { FEED_FILES, pagePath } from "../feeds/document.ts";
import { CALENDAR_FILE } from "../feeds/ical.ts";
import { serveAsset } from "../http/gzip-assets.ts";
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

/** Any page of any feed: the files the build writes (src/routes/feeds.ts). */
const FEED_PATH = new RegExp(
  `^(?:/outcomes|/tags/[^/]+)?(?:/page/[^/]+)?/(?:${Object.values(FEED_FILES)
    .map((f) => f.replace(".", "\\."))
    .join("|")})$`,
);

/** The events calendars: all, and one per tag (src/routes/calendar.ts). */
const CALENDAR_PATH = new RegExp(`^(?:/tags/[^/]+)?/${CALENDAR_FILE.replace(".", "\\.")}$`);

const allowOnlyReads = (method: string) =>
  method === "GET" || method === "HEAD"
    ? undefined
    : new Response(`Method ${method} is not allowed here. Allowed: GET, HEAD.\n`, {
        status: 405,
        headers: { Allow: "GET, HEAD", "Content-Type": "text/plain; charset=UTF-8" },
      });

feedAssetRoutes.use("*", async (c, next) => {
  if (!CALENDAR_PATH.test(c.req.path)) return next();
  const refused = allowOnlyReads(c.req.method);
  if (refused) return refused;
  const response = await serveAsset(c.req.raw, c.env.ASSETS);
  if (response.status === 404)
    return renderError(c, 404, "Calendar not found", "There is no calendar at this address.");
  return response;
});

feedAssetRoutes.use("*", async (c, next) => {
  const path = c.req.path;
  if (!FEED_PATH.test(path)) return next();
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    return c.text(`Method ${c.req.method} is not allowed here. Allowed: GET, HEAD.\n`, 405, { Allow: "GET, HEAD" });
  }
  const query = pageQuery.safeParse(c.req.query());
  if (!query.success) return problem(c, 400, "Invalid request", fieldErrors(query.error.issues, "query"));
  if (query.data.page !== undefined && !path.includes("/page/")) {
    const url = new URL(c.req.url);
    url.searchParams.delete("page");
    // Permanent: readers that stored the old URL replace it.
    return c.redirect(`${pagePath(path, query.data.page)}${url.search}`, 301);
  }
  const response = await serveAsset(c.req.raw, c.env.ASSETS);
  if (response.status === 404) return renderError(c, 404, "Feed not found", "There is no feed at this address.");
  return response;
});
