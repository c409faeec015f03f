// The Worker's way to the briefings: the index of recent briefings, a static asset written by the
// build (src/content/briefing-index.ts), read through the ASSETS binding once per isolate and version:
// a briefing dated later is in the index of its moment's version only (src/documents/schedule.ts), so
// the digest, the pings and the pages of sent editions see it from its time on, never before.
import { assetPathFor } from "../http/scheduled-assets.ts";
import { INDEX_PATH, type IndexDocument, monthOf, monthPath } from "./briefing-index.ts";
import type { BriefingIndex, IndexedBriefing } from "./schema.ts";

const loading = new Map<string, Promise<IndexDocument>>();

/**
 * The index of recent briefings (newest first) as readers see it at `at` (default: now): every
 * briefing published by then. Immutable per deploy and version, so one load per isolate and version.
 */
export async function loadBriefingIndex(env: { ASSETS: Fetcher }, at = new Date()): Promise<BriefingIndex> {
  const path = (await assetPathFor(env.ASSETS, INDEX_PATH, at.getTime())) ?? INDEX_PATH;
  let index = loading.get(path);
  if (!index) {
    // The host is not used: the binding serves this Worker's own assets by path.
    index = env.ASSETS.fetch(`https://assets.local${path}`).then(async (res) => {
      if (!res.ok) throw new Error(`briefing index: ${path} answered ${res.status}; was the content built?`);
      return (await res.json()) as IndexDocument;
    });
    index.catch(() => loading.delete(path)); // try again on the next call
    loading.set(path, index);
  }
  return index;
}

/**
 * The briefings published in [from, to], read from the month files (every briefing, by the month it
 * was published in): for an admin run whose window reaches back before the index is complete. A month
 * without briefings has no file (404): nothing published then.
 */
export async function loadBriefingsPublished(
  env: { ASSETS: Fetcher },
  from: Date,
  to: Date,
): Promise<IndexedBriefing[]> {
  const months: string[] = [];
  for (let m = monthOf(from); m <= monthOf(to); m = nextMonth(m)) months.push(m);
  const now = Date.now();
  const files = await Promise.all(
    months.map(async (month) => {
      // A month whose first briefing is still scheduled has no file yet (null).
      const path = await assetPathFor(env.ASSETS, monthPath(month), now);
      if (path === null) return [];
      const res = await env.ASSETS.fetch(`https://assets.local${path}`);
      if (res.status === 404) return [];
      if (!res.ok) throw new Error(`briefing archive: ${path} answered ${res.status}`);
      return ((await res.json()) as { briefings: IndexedBriefing[] }).briefings;
    }),
  );
  return files
    .flat()
    .filter((b) => Date.parse(b.published) >= from.getTime() && Date.parse(b.published) <= Math.min(to.getTime(), now));
}

function nextMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

/**
 * The index with every briefing published in [from, to] added, when the window starts before the
 * index is complete (see briefingsFor in src/digest/edition.ts for why that is rare and enough).
 */
export async function completedFor(
  index: BriefingIndex,
  from: Date,
  to: Date,
  publishedIn: (from: Date, to: Date) => Promise<IndexedBriefing[]>,
): Promise<BriefingIndex> {
  if (!index.completeFrom || from.getTime() >= Date.parse(index.completeFrom)) return index;
  const known = new Set(index.briefings.map((b) => b.slug));
  const older = (await publishedIn(from, to)).filter((b) => !known.has(b.slug));
  const briefings = [...index.briefings, ...older].sort((a, b) => Date.parse(b.published) - Date.parse(a.published));
  return { ...index, briefings };
}
