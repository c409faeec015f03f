// The documents a scheduled briefing changes (home, tag pages, the sitemap, its own page, the briefing
// index…): the build leaves them out of the asset root, so their requests reach the Worker, which
// serves the version in force at this moment (src/documents/schedule.ts). Feeds and calendars take the
// same way through feed-assets.ts. The version folders themselves are never served as they are.
import { Hono } from "hono";
import { SCHEDULED_PREFIX } from "../documents/schedule.ts";
import type { AppEnv } from "../env.ts";
import { CALENDAR_PATH, FEED_PATH } from "../feeds/series.ts";
import { serveDocument } from "../http/document-assets.ts";
import { loadSchedule } from "../http/scheduled-assets.ts";
import { renderError } from "./pages.ts";

export const scheduledDocumentRoutes = new Hono<AppEnv>();

const NOT_FOUND = "There is no page at this address.";

scheduledDocumentRoutes.use("*", async (c, next) => {
  const path = c.req.path;
  // `run_worker_first` sends these here: a version before its time is as unpublished as its briefing.
  if (path === SCHEDULED_PREFIX || path.startsWith(`${SCHEDULED_PREFIX}/`)) {
    return renderError(c, 404, "Not found", NOT_FOUND);
  }
  if (FEED_PATH.test(path) || CALENDAR_PATH.test(path)) return next();
  const schedule = await loadSchedule(c.env.ASSETS);
  if (!schedule.switching.has(path)) {
    // The other spellings the asset layer redirects to a page's own path (auto-trailing-slash).
    const canonical = otherSpellingOf(path);
    if (canonical !== undefined && schedule.switching.has(canonical)) {
      return c.redirect(canonical + new URL(c.req.url).search, 307);
    }
    return next();
  }
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    return c.text(`Method ${c.req.method} is not allowed here. Allowed: GET, HEAD.\n`, 405, { Allow: "GET, HEAD" });
  }
  const response = await serveDocument(c.req.raw, c.env.ASSETS, path, Date.now(), schedule);
  return response ?? renderError(c, 404, "Not found", NOT_FOUND);
});

/** `/tags/x/`, `/tags/x.html` → `/tags/x`; `/index.html` → `/`. Undefined for any other path. */
function otherSpellingOf(path: string): string | undefined {
  if (path.endsWith("/index.html")) return path.slice(0, -"index.html".length);
  if (path.endsWith(".html")) return path.slice(0, -".html".length);
  if (path.length > 1 && path.endsWith("/")) return path.slice(0, -1);
  return undefined;
}
