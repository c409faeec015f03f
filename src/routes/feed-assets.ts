// The feed paths that reach the Worker. The static asset layer serves the feeds itself, except:
// - Atom and JSON Feed documents, for which the Worker runs first (`run_worker_first` in wrangler.toml)
//   to gzip them (src/http/gzip-assets.ts);
// - old paged URLs (`/atom.xml?page=2`), redirected to the path URL of the page (`/page/2/atom.xml`).
//   The asset layer matches paths only, so for RSS, served without the Worker, such a URL gets the
//   newest page; for Atom and JSON Feed, and any feed without a file, the Worker redirects it;
// - feeds that do not exist: the site's 404 page.
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env.ts";
import { FEED_FILES, pagePath } from "../feeds/document.ts";
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
