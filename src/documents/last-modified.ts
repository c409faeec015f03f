// The Last-Modified of every feed and calendar, as their routes answered at build time, for the
// Worker that serves them (src/http/document-assets.ts): the static asset layer sends none.
import { CALENDAR_PATH, FEED_PATH, seriesOf } from "../feeds/series.ts";

/**
 * `{ series: Last-Modified }` from the headers each document was rendered with (path → headers).
 * Every page of a feed must carry the same date, the feed's newest change: a page that differs stops
 * the build, as the Worker could not give it its own.
 */
export function lastModifiedBySeries(documents: Map<string, Headers>): Record<string, string> {
  const dates = new Map<string, string>();
  for (const [path, headers] of documents) {
    if (!FEED_PATH.test(path) && !CALENDAR_PATH.test(path)) continue;
    const date = headers.get("Last-Modified");
    if (!date) throw new Error(`${path}: the route answers without Last-Modified`);
    const series = seriesOf(path);
    const seen = dates.get(series);
    if (seen !== undefined && seen !== date)
      throw new Error(`${path}: Last-Modified ${date}, but other pages of ${series} have ${seen}`);
    dates.set(series, date);
  }
  // Sorted: the build renders in parallel, and the same content must give the same bytes.
  return Object.fromEntries([...dates].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
