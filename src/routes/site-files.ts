// The small files browsers, feed readers and crawlers ask for by well-known names: icons, sitemap.xml
// (with its numbered files under /sitemaps/ once it is an index), robots.txt. Ordinary document routes: the build prerenders them into static assets like the pages.

import { type Context, Hono } from "hono";
import { ssgParams } from "hono/ssg";
import type { Content } from "../content/schema.ts";
import type { DocumentEnv } from "../documents/env.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { conditionalGet } from "../http/render-cache.ts";
import { localesOf } from "../i18n/locale.ts";
import { ICON_FILES, iconFile } from "../icons/files.ts";
import { oncePerOwnerAndKey } from "../render/memo.ts";
import { buildSitemap, robotsTxt, SITEMAP_LIMITS, type Sitemap } from "../web/crawlers.ts";
import { renderError } from "./pages.ts";

export const siteFileRoutes = new Hono<DocumentEnv>();

// The icons change only with the code; a week is a common lifetime for them.
const ICON_MAX_AGE = 7 * 24 * 3600;
const CRAWLER_MAX_AGE = 3600;

for (const path of ICON_FILES) {
  siteFileRoutes.get(path, conditionalGet, async (c) => {
    const file = await iconFile(path);
    if (!file) return c.notFound();
    return new Response(file.body as BodyInit, {
      headers: { "Content-Type": file.contentType, "Cache-Control": `public, max-age=${ICON_MAX_AGE}` },
    });
  });
  rejectOtherMethods(siteFileRoutes, path, ["GET", "HEAD"]);
}

const SITEMAP_HEADERS = {
  "Content-Type": "application/xml; charset=utf-8",
  "Cache-Control": `public, max-age=${CRAWLER_MAX_AGE}`,
};

// Built once per content, base URL and limits: each numbered file is a slice of the same list of pages.
const sitemaps = oncePerOwnerAndKey<Content, Sitemap>();
function sitemapOf(c: Context<DocumentEnv>): Sitemap {
  const content = c.get("content");
  const base = c.get("base");
  const limits = c.get("sitemapLimits") ?? SITEMAP_LIMITS;
  return sitemaps(content, `${base}|${limits.urls}|${limits.bytes}`, () => buildSitemap(content, base, limits));
}

siteFileRoutes.get("/sitemap.xml", conditionalGet, (c) => c.body(sitemapOf(c).root, 200, SITEMAP_HEADERS));

// Past one file's limits: the files the index lists, at sitemapFilePath(n) (hono/ssg renders each;
// none for a small archive).
const SITEMAP_FILE = /^([1-9][0-9]*)\.xml$/;
siteFileRoutes.get(
  "/sitemaps/:file",
  ssgParams<DocumentEnv>((c) => sitemapOf(c).files.map((_, i) => ({ file: `${i + 1}.xml` }))),
);
siteFileRoutes.get("/sitemaps/:file", conditionalGet, async (c) => {
  const n = SITEMAP_FILE.exec(c.req.param("file"))?.[1];
  const body = n === undefined ? undefined : sitemapOf(c).files[Number(n) - 1];
  if (body === undefined) return renderError(c, 404, "Not found", "There is no sitemap at this address.");
  return c.body(body, 200, SITEMAP_HEADERS);
});

siteFileRoutes.get("/robots.txt", conditionalGet, (c) =>
  c.body(
    robotsTxt(
      c.get("base"),
      localesOf(c.get("content").site)
        .slice(1)
        .map((l) => l.prefix),
    ),
    200,
    {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": `public, max-age=${CRAWLER_MAX_AGE}`,
    },
  ),
);

for (const path of ["/sitemap.xml", "/sitemaps/:file", "/robots.txt"])
  rejectOtherMethods(siteFileRoutes, path, ["GET", "HEAD"]);
