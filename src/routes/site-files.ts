// The small files browsers, feed readers and crawlers ask for by well-known names: icons, sitemap.xml,
// robots.txt. Ordinary routes, so they can be prerendered like the pages.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { conditionalGet } from "../http/render-cache.ts";
import { ICON_FILES, iconFile } from "../icons/files.ts";
import { robotsTxt, sitemapXml } from "../web/crawlers.ts";

export const siteFileRoutes = new Hono<AppEnv>();

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

siteFileRoutes.get("/sitemap.xml", conditionalGet, (c) =>
  c.body(sitemapXml(c.get("content"), c.get("base")), 200, {
    "Content-Type": "application/xml; charset=utf-8",
    "Cache-Control": `public, max-age=${CRAWLER_MAX_AGE}`,
  }),
);

siteFileRoutes.get("/robots.txt", conditionalGet, (c) =>
  c.body(robotsTxt(c.get("base")), 200, {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": `public, max-age=${CRAWLER_MAX_AGE}`,
  }),
);

for (const path of ["/sitemap.xml", "/robots.txt"]) rejectOtherMethods(siteFileRoutes, path, ["GET", "HEAD"]);
