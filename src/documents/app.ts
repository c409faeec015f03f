// The documents app: every route whose answer depends only on the content (feeds and their pages,
// calendars, briefing and tag pages, the stylesheet, icons, sitemap and robots.txt, the JSON Feed
// extension's page and schema, the briefing index). The build renders each of its GET
// routes to a file with hono/ssg (scripts/build-content.ts), and the static asset layer serves them;
// the Worker itself mounts none of these routes and never loads the archive.
import { Hono } from "hono";
import type { Content } from "../content/schema.ts";
import { RenderCache } from "../http/render-cache.ts";
import { siteHeaders } from "../http/security-headers.ts";
import { contentIn, localesOf } from "../i18n/locale.ts";
import { aboutRoutes } from "../routes/about.ts";
import { briefingIndexRoutes } from "../routes/briefing-index.ts";
import { calendarRoutes } from "../routes/calendar.ts";
import { feedRoutes } from "../routes/feeds.ts";
import { pageRoutes, stylesheetRoutes } from "../routes/pages.ts";
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
  stylesheetRoutes,
  siteFileRoutes,
  aboutRoutes,
  briefingIndexRoutes,
];

/**
 * The routers each of the site's other languages has again under its prefix (/fr/feed.xml,
 * /fr/briefings/x, /fr/events.ics), rendered from the content in that language.
 */
export const LOCALIZED_ROUTERS = [feedRoutes, calendarRoutes, pageRoutes];

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
  for (const locale of localesOf(content.site).slice(1)) {
    const inLanguage = new Hono<DocumentEnv>();
    const view = contentIn(content, locale.code);
    inLanguage.use(async (c, next) => {
      c.set("content", view);
      await next();
    });
    for (const router of LOCALIZED_ROUTERS) inLanguage.route("/", router);
    // "/fr/" (not "/fr"): the home page is written as fr/index.html and served at /fr/, its canonical URL.
    app.route(`${locale.prefix}/`, inLanguage);
  }
  return app;
}
