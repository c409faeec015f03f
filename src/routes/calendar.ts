// The events calendar: /events.ics and /tags/:tag/events.ics. Served exactly as the feeds are: from the
// render cache, with their validators, 304s, HEAD, gzip negotiation and polling interval.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { CALENDAR_CONTENT_TYPE, CALENDAR_FILE, renderCalendar } from "../feeds/ical.ts";
import { TTL_MINUTES } from "../feeds/rss.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { conditionalGet, sendRendered } from "../http/render-cache.ts";
import { renderError } from "./pages.ts";

export const calendarRoutes = new Hono<AppEnv>();

for (const route of [`/${CALENDAR_FILE}`, `/tags/:tag/${CALENDAR_FILE}`]) {
  calendarRoutes.get(route, conditionalGet, async (c) => {
    const content = c.get("content");
    const base = c.get("base");
    const tag = c.req.param("tag");
    const key = `${content.version}|${base}|calendar|${tag ?? ""}`;
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
