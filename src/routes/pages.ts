// HTML routes: home, briefing pages, tag pages, the stylesheet, and the error page.
import { type Context, Hono } from "hono";
import { ssgParams } from "hono/ssg";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Briefing, Content, Site } from "../content/schema.ts";
import type { DocumentEnv } from "../documents/env.ts";
import { tagsOf } from "../feeds/document.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { conditionalGet, type NotFound, type RenderInput, sendRendered } from "../http/render-cache.ts";
import { type Locale, localeOf } from "../i18n/locale.ts";
import { newestOf } from "../render/dates.ts";
import type { Html } from "../web/layout.ts";
import { briefingPage, errorPage, homePage, tagPage } from "../web/pages.ts";
import { SITE_CSS } from "../web/styles.ts";

const HTML = "text/html; charset=utf-8";
const PAGE_MAX_AGE = 300;

export const pageRoutes = new Hono<DocumentEnv>();

async function htmlInput(html: Html, lastModified: Date): Promise<RenderInput> {
  return { body: String(await html), contentType: HTML, lastModified };
}

/** Serves a page from the render cache; `build` runs once per content version, base URL and path. */
async function cachedPage(c: Context<DocumentEnv>, build: () => Promise<RenderInput | NotFound>) {
  const key = `${c.get("content").version}|${c.get("base")}|page|${c.req.path}`;
  const doc = await c.get("renders").get(key, build);
  if ("notFound" in doc) return renderError(c, 404, localeOf(c.get("content")).m.notFound, doc.notFound);
  return sendRendered(c, doc, PAGE_MAX_AGE);
}

/** What the error page needs; both the Worker's context and the build's documents have it. */
type ErrorPageEnv = { Variables: { content: { site: Site; version: string; language?: string }; base: string } };

export async function renderError<E extends ErrorPageEnv>(
  c: Context<E>,
  status: ContentfulStatusCode,
  heading: string,
  detail: string,
  locale?: Locale,
) {
  const ctx = c as unknown as Context<ErrorPageEnv>;
  const content = ctx.get("content");
  const body = await errorPage(
    { content, base: ctx.get("base") },
    status,
    heading,
    detail,
    locale ?? localeOf(content),
  );
  return c.body(String(body), status, { "Content-Type": HTML, "Cache-Control": "no-store" });
}

pageRoutes.get("/", conditionalGet, (c) =>
  cachedPage(c, async () => {
    const content = c.get("content");
    const when = newestOf(content.briefings.map((b) => b.updated ?? b.published));
    return htmlInput(homePage({ content, base: c.get("base") }), when);
  }),
);

// hono/ssg: the build renders one page per briefing and per tag.
pageRoutes.get(
  "/briefings/:slug",
  ssgParams<DocumentEnv>((c) => c.get("content").briefings.map((b) => ({ slug: b.slug }))),
);
// Briefings by slug, once per content: the build renders every briefing page, and searching the
// archive for each one made it quadratic.
const bySlug = new WeakMap<Content, Map<string, Briefing>>();

function briefingOf(content: Content, slug: string): Briefing | undefined {
  let slugs = bySlug.get(content);
  if (!slugs) {
    slugs = new Map(content.briefings.map((b) => [b.slug, b]));
    bySlug.set(content, slugs);
  }
  return slugs.get(slug);
}

pageRoutes.get("/briefings/:slug", conditionalGet, (c) =>
  cachedPage(c, async () => {
    const content = c.get("content");
    const briefing = briefingOf(content, c.req.param("slug"));
    if (!briefing) return { notFound: localeOf(content).m.noBriefingHere };
    const when = new Date(briefing.updated ?? briefing.published);
    return htmlInput(briefingPage({ content, base: c.get("base") }, briefing), when);
  }),
);

pageRoutes.get(
  "/tags/:tag",
  ssgParams<DocumentEnv>((c) => tagsOf(c.get("content")).map((tag) => ({ tag }))),
);
pageRoutes.get("/tags/:tag", conditionalGet, (c) =>
  cachedPage(c, async () => {
    const content = c.get("content");
    const tag = c.req.param("tag");
    const tagged = content.briefings.filter((b) => b.tags.includes(tag));
    if (!tagged.length) return { notFound: localeOf(content).m.noBriefingTagged(tag) };
    const when = newestOf(tagged.map((b) => b.updated ?? b.published));
    return htmlInput(tagPage({ content, base: c.get("base") }, tag, tagged), when);
  }),
);

// The stylesheet: one for every language (the pages link /assets/site.css), so a router of its own
// that the other languages' prefixes do not repeat.
export const stylesheetRoutes = new Hono<DocumentEnv>();

stylesheetRoutes.get("/assets/site.css", (c) =>
  c.body(SITE_CSS, 200, {
    "Content-Type": "text/css; charset=utf-8",
    // The pages link it with ?v=<content version>, so it can be kept for a long time.
    "Cache-Control": "public, max-age=86400",
  }),
);

for (const path of ["/", "/briefings/:slug", "/tags/:tag"]) {
  rejectOtherMethods(pageRoutes, path, ["GET", "HEAD"]);
}
rejectOtherMethods(stylesheetRoutes, "/assets/site.css", ["GET", "HEAD"]);
