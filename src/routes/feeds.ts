// Feed routes: /feed.xml, /atom.xml, /feed.json, and the same under /outcomes/ and /tags/:tag/.
import { Hono } from "hono";
// zod/mini: the same validation as zod with a fraction of its size in the Worker bundle.
import * as z from "zod/mini";
import type { AppEnv } from "../env.ts";
import { renderAtom } from "../feeds/atom.ts";
import { buildFeed, FEED_FILES, type FeedFormat, type FeedKind } from "../feeds/document.ts";
import { renderJsonFeed } from "../feeds/json-feed.ts";
import { renderRss, TTL_MINUTES } from "../feeds/rss.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { conditionalGet, sendRendered } from "../http/render-cache.ts";
import { validate } from "../http/validation.ts";
import { renderError } from "./pages.ts";

const FORMATS: Record<FeedFormat, { contentType: string; render: typeof renderRss }> = {
  rss: { contentType: "application/rss+xml; charset=utf-8", render: renderRss },
  atom: { contentType: "application/atom+xml; charset=utf-8", render: renderAtom },
  json: { contentType: "application/feed+json; charset=utf-8", render: renderJsonFeed },
};

const pageQuery = z.object({
  page: z.optional(
    z.pipe(
      z.string().check(z.regex(/^[1-9][0-9]{0,5}$/, "must be a whole number from 1, without sign or leading zeros")),
      z.transform(Number),
    ),
  ),
});

export const feedRoutes = new Hono<AppEnv>();

const prefixes: { path: string; kind: (tag?: string) => FeedKind }[] = [
  { path: "", kind: () => ({ kind: "briefings" }) },
  { path: "/outcomes", kind: () => ({ kind: "outcomes" }) },
  { path: "/tags/:tag", kind: (tag) => ({ kind: "briefings", tag }) },
];

for (const { path, kind } of prefixes) {
  for (const format of Object.keys(FORMATS) as FeedFormat[]) {
    const route = `${path}/${FEED_FILES[format]}`;
    feedRoutes.get(route, conditionalGet, validate("query", pageQuery), async (c) => {
      const content = c.get("content");
      const base = c.get("base");
      const page = c.req.valid("query").page ?? 1;
      const feed = kind(c.req.param("tag"));
      const hub = c.env.WEBSUB_HUB || undefined;
      const key = `${content.version}|${base}|${hub ?? ""}|${route}|${feed.kind === "briefings" ? (feed.tag ?? "") : ""}|${page}`;
      const { contentType, render } = FORMATS[format];
      const doc = await c.get("renders").get(key, () => {
        const result = buildFeed(content, { feed, format, page, base, ...(hub ? { hub } : {}) });
        if (!result.ok) return { notFound: result.reason };
        return { body: render(result.doc), contentType, lastModified: result.doc.updated };
      });
      if ("notFound" in doc) return renderError(c, 404, "Feed not found", doc.notFound);
      const response = sendRendered(c, doc, TTL_MINUTES * 60);
      response.headers.set("Access-Control-Allow-Origin", "*");
      return response;
    });
    rejectOtherMethods(feedRoutes, route, ["GET", "HEAD"]);
  }
}
