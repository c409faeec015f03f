// HTML routes: home, briefing pages, tag pages, the stylesheet, and the error page.
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { conditionalGet, type NotFound, type RenderInput, sendRendered } from "../http/render-cache.ts";
import { newestOf } from "../render/dates.ts";
import type { Html } from "../web/layout.ts";
import { briefingPage, errorPage, homePage, tagPage } from "../web/pages.ts";
import { SITE_CSS } from "../web/styles.ts";

const HTML = "text/html; charset=utf-8";
const PAGE_MAX_AGE = 300;

export const pageRoutes = new Hono<AppEnv>();

async function htmlInput(html: Html, lastModified: Date): Promise<RenderInput> {
  return { body: String(await html), contentType: HTML, lastModified };
}

/** Serves a page from the render cache; `build` runs once per content version, base URL and path. */
async function cachedPage(c: Context<AppEnv>, build: () => Promise<RenderInput | NotFound>) {
  const key = `${c.get("content").version}|${c.get("base")}|page|${c.req.path}`;
  const doc = await c.get("renders").get(key, build);
  if ("notFound" in doc) return renderError(c, 404, "Not found", doc.notFound);
  return sendRendered(c, doc, PAGE_MAX_AGE);
}

export async function renderError(c: Context<AppEnv>, status: ContentfulStatusCode, heading: string, detail: string) {
  const body = await errorPage({ content: c.get("content"), base: c.get("base") }, status, heading, detail);
  return c.body(String(body), status, { "Content-Type": HTML, "Cache-Control": "no-store" });
}

pageRoutes.get("/", conditionalGet, (c) =>
  cachedPage(c, async () => {
    const content = c.get("content");
    const when = newestOf(content.briefings.map((b) => b.updated ?? b.published));
    return htmlInput(homePage({ content, base: c.get("base") }), when);
  }),
);

pageRoutes.get("/briefings/:slug", conditionalGet, (c) =>
  cachedPage(c, async () => {
    const content = c.get("content");
    const briefing = content.briefings.find((b) => b.slug === c.req.param("slug"));
    if (!briefing) return { notFound: "There is no briefing at this address." };
    const when = new Date(briefing.updated ?? briefing.published);
    return htmlInput(briefingPage({ content, base: c.get("base") }, briefing), when);
  }),
);

pageRoutes.get("/tags/:tag", conditionalGet, (c) =>
  cachedPage(c, async () => {
    const content = c.get("content");
    const tag = c.req.param("tag");
    const tagged = content.briefings.filter((b) => b.tags.includes(tag));
    if (!tagged.length) return { notFound: `No briefing is tagged “${tag}”.` };
    const when = newestOf(tagged.map((b) => b.updated ?? b.published));
    return htmlInput(tagPage({ content, base: c.get("base") }, tag, tagged), when);
  }),
);

pageRoutes.get("/assets/site.css", (c) =>
  c.body(SITE_CSS, 200, {
    "Content-Type": "text/css; charset=utf-8",
    // The pages link it with ?v=<content version>, so it can be kept for a long time.
    "Cache-Control": "public, max-age=86400",
  }),
);

for (const path of ["/", "/briefings/:slug", "/tags/:tag", "/assets/site.css", "/healthz"]) {
  rejectOtherMethods(pageRoutes, path, ["GET", "HEAD"]);
}
