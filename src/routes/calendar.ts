// The events calendar: /events.ics and /tags/:tag/events.ics (one per tag, listed for the build with
// ssgParams). Rendered at build time into static assets like the feeds (src/documents/); the asset
// layer serves them with the `_headers` rule these responses give (media type, polling interval, CORS).
import { Hono } from "hono";
import { ssgParams } from "hono/ssg";
import type { DocumentEnv } from "../documents/env.ts";
import { tagsOf } from "../feeds/document.ts";
import { CALENDAR_CONTENT_TYPE, CALENDAR_FILE, renderCalendar } from "../feeds/ical.ts";
import { TTL_MINUTES } from "../feeds/rss.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { conditionalGet, sendRendered } from "../http/render-cache.ts";
import { renderError } from "./pages.ts";

export const calendarRoutes = new Hono<DocumentEnv>();

// hono/ssg: one calendar per tag, an empty one for a tag whose briefings name no event yet.
calendarRoutes.get(
  `/tags/:tag/${CALENDAR_FILE}`,
  ssgParams<DocumentEnv>((c) => tagsOf(c.get("content")).map((tag) => ({ tag }))),
);

for (const route of [`/${CALENDAR_FILE}`, `/tags/:tag/${CALENDAR_FILE}`]) {
  calendarRoutes.get(route, conditionalGet, async (c) => {
    const content = c.get("content");
    const base = c.get("base");
    const tag = c.req.param("tag");
    const key = `${content.version}|${content.language ?? ""}|${base}|calendar|${tag ?? ""}`;
    const doc = await c.get("renders").get(key, () => {
      const result = renderCalendar(content, { base, ...(tag !== undefined ? { tag } : {}) });
      if (!result.ok) return { notFound: result.reason };
      return { body: result.body, contentType: CALENDAR_CONTENT_TYPE, lastModified: result.lastModified };
    });
    if ("notFound" in doc) return renderError(c, 404, "Calendar not found", doc.notFound);
    const response = sendRendered(c, doc, TTL_MINUTES * 60);
    // Web calendar apps fetch it from their own origin, as web feed readers do the feeds.
    response.headers.set("Access-Control-Allow-Origin", "*");
    return response;
  });
  rejectOtherMethods(calendarRoutes, route, ["GET", "HEAD"]);
}
