// The documents app: every route whose answer depends only on the content (feeds and their pages,
// calendars, briefing and tag pages, the stylesheet, icons, sitemap and robots.txt, the JSON Feed
// extension's page and schema, the briefing index). The build renders each of its GET
// routes to a file with hono/ssg (scripts/build-content.ts), and the static asset layer serves them;
// the Worker itself mounts none of these routes and never loads the archive.
import { Hono } from "hono";
import type { Content } from "../content/schema.ts";
import { RenderCache } from "../http/render-cache.ts";
import { siteHeaders } from "../http/security-headers.ts";
import { aboutRoutes } from "../routes/about.ts";
import { briefingIndexRoutes } from "../routes/briefing-index.ts";
import { calendarRoutes } from "../routes/calendar.ts";
import { feedRoutes } from "../routes/feeds.ts";
import { pageRoutes } from "../routes/pages.ts";
import { siteFileRoutes } from "../routes/site-files.ts";
import type { SitemapLimits } from "../web/crawlers.ts";
import type { DocumentEnv } from "./env.ts";

/**
 * The routers rendered at build time. A new document (a sitemap, a calendar…) is an ordinary Hono
 * route in one of these, or a router added here; a route with parameters lists its values with
 * `ssgParams` from hono/ssg.
 */
export const DOCUMENT_ROUTERS = [
  feedRoutes,
  calendarRoutes,
  pageRoutes,
  siteFileRoutes,
  aboutRoutes,
  briefingIndexRoutes,
];

export interface DocumentOptions {
  /** The origin the documents link to (absolute URLs in feeds, canonical links). */
  base: string;
  hub?: string;
  /** The most one sitemap file holds (default: the protocol's limits, SITEMAP_LIMITS). */
  sitemapLimits?: SitemapLimits;
}

export function createDocumentApp(content: Content, options: DocumentOptions) {
  // The build asks for each document once, and writes only its body.
  const renders = new RenderCache(1, { validators: false });
  const app = new Hono<DocumentEnv>();
  app.use(async (c, next) => {
    c.set("content", content);
    c.set("base", options.base.replace(/\/+$/, ""));
    c.set("renders", renders);
    if (options.hub) c.set("hub", options.hub);
    if (options.sitemapLimits) c.set("sitemapLimits", options.sitemapLimits);
    await next();
  });
  app.use(siteHeaders);
  for (const router of DOCUMENT_ROUTERS) app.route("/", router);
  return app;
}
