// Feed routes: /feed.xml, /atom.xml, /feed.json, the same under /outcomes/ and /tags/:tag/, and their
// later pages under …/page/:page/. Rendered at build time into static assets (src/documents/).
import { type Context, Hono } from "hono";
import { ssgParams } from "hono/ssg";
import type { DocumentEnv } from "../documents/env.ts";
import { renderAtom } from "../feeds/atom.ts";
import { buildFeed, FEED_FILES, type FeedFormat, type FeedKind, feedPageCount, tagsOf } from "../feeds/document.ts";
import { renderJsonFeed } from "../feeds/json-feed.ts";
import { renderRss, TTL_MINUTES } from "../feeds/rss.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { conditionalGet, sendRendered } from "../http/render-cache.ts";
import { renderError } from "./pages.ts";

export const FEED_FORMATS: Record<FeedFormat, { contentType: string; render: typeof renderRss }> = {
  rss: { contentType: "application/rss+xml; charset=utf-8", render: renderRss },
  atom: { contentType: "application/atom+xml; charset=utf-8", render: renderAtom },
  json: { contentType: "application/feed+json; charset=utf-8", render: renderJsonFeed },
};

export const FEED_MAX_AGE = TTL_MINUTES * 60;

export const feedRoutes = new Hono<DocumentEnv>();

const laterPages = (n: number) => Array.from({ length: Math.max(0, n - 1) }, (_, i) => String(i + 2));

const prefixes: { path: string; kind: (tag?: string) => FeedKind }[] = [
  { path: "", kind: () => ({ kind: "briefings" }) },
  { path: "/outcomes", kind: () => ({ kind: "outcomes" }) },
  { path: "/tags/:tag", kind: (tag) => ({ kind: "briefings", tag }) },
];

const PAGE_PARAM = /^[1-9][0-9]{0,5}$/;

async function serveFeed(
  c: Context<DocumentEnv>,
  route: { firstPage: string; format: FeedFormat; feed: FeedKind },
  page: number,
) {
  const content = c.get("content");
  const base = c.get("base");
  const hub = c.get("hub") || undefined;
  const { feed, format } = route;
  const key = `${content.version}|${content.language ?? ""}|${base}|${hub ?? ""}|${route.firstPage}|${feed.kind === "briefings" ? (feed.tag ?? "") : ""}|${page}`;
  const { contentType, render } = FEED_FORMATS[format];
  const doc = await c.get("renders").get(key, () => {
    const result = buildFeed(content, { feed, format, page, base, ...(hub ? { hub } : {}) });
    if (!result.ok) return { notFound: result.reason };
    return { body: render(result.doc), contentType, lastModified: result.doc.updated };
  });
  if ("notFound" in doc) return renderError(c, 404, "Feed not found", doc.notFound);
  const response = sendRendered(c, doc, FEED_MAX_AGE);
  response.headers.set("Access-Control-Allow-Origin", "*");
  return response;
}

for (const { path, kind } of prefixes) {
  const tagged = path.includes(":tag");
  // The build's list of what to render (hono/ssg): every tag, and pages 2…last of every feed.
  const tagParams = ssgParams<DocumentEnv>((c) => tagsOf(c.get("content")).map((tag) => ({ tag })));
  const pageParams = ssgParams<DocumentEnv>((c) => {
    const content = c.get("content");
    if (!tagged) return laterPages(feedPageCount(content, kind())).map((page) => ({ page }));
    return tagsOf(content).flatMap((tag) =>
      laterPages(feedPageCount(content, kind(tag))).map((page) => ({ tag, page })),
    );
  });
  for (const format of Object.keys(FEED_FORMATS) as FeedFormat[]) {
    const file = FEED_FILES[format];
    const firstPage = `${path}/${file}`;
    const laterPage = `${path}/page/:page/${file}`;
    const route = (c: Context<DocumentEnv>) => ({ firstPage, format, feed: kind(c.req.param("tag")) });
    if (tagged) feedRoutes.get(firstPage, tagParams);
    feedRoutes.get(firstPage, conditionalGet, (c) => serveFeed(c, route(c), 1));
    feedRoutes.get(laterPage, pageParams, conditionalGet, (c) => {
      const page = c.req.param("page") ?? "";
      if (!PAGE_PARAM.test(page) || page === "1") return c.notFound();
      return serveFeed(c, route(c), Number(page));
    });
    rejectOtherMethods(feedRoutes, firstPage, ["GET", "HEAD"]);
    rejectOtherMethods(feedRoutes, laterPage, ["GET", "HEAD"]);
  }
}
