// The feed and calendar documents by path, and the series each belongs to. Every page of one feed
// (`/tags/x/atom.xml`, `/tags/x/page/2/atom.xml`, …) carries the same Last-Modified: the feed's newest
// entry change (`updated` in document.ts), so a page's series is its path without `/page/N`.
import { FEED_FILES } from "./document.ts";
import { CALENDAR_FILE } from "./ical.ts";

const literal = (file: string) => file.replace(".", "\\.");

/** Any page of any feed: all briefings, outcomes, each tag; every format (src/routes/feeds.ts). */
export const FEED_PATH = new RegExp(
  `^(?:/outcomes|/tags/[^/]+)?(?:/page/[^/]+)?/(?:${Object.values(FEED_FILES).map(literal).join("|")})$`,
);

/** The events calendars: all, and one per tag (src/routes/calendar.ts). */
export const CALENDAR_PATH = new RegExp(`^(?:/tags/[^/]+)?/${literal(CALENDAR_FILE)}$`);

/**
 * Where the build writes the Last-Modified of every feed and calendar series, `{ series: HTTP date }`:
 * the asset layer sends no Last-Modified, so the Worker reads it from here (src/http/document-assets.ts).
 * One entry per feed and calendar, not per page: its size grows with the tags, not the briefings.
 */
export const LAST_MODIFIED_PATH = "/index/last-modified.json";

/** The series of a feed or calendar path: the path of its first page. */
export function seriesOf(path: string): string {
  return path.replace(/\/page\/[^/]+(?=\/[^/]+$)/, "");
}
