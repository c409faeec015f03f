// The Worker's way to the briefings: the index of recent briefings, a static asset written by the
// build (src/content/briefing-index.ts), read through the ASSETS binding once per isolate.
import { INDEX_PATH, type IndexDocument, monthOf, monthPath } from "./briefing-index.ts";
import type { BriefingIndex, IndexedBriefing } from "./schema.ts";

let loading: Promise<IndexDocument> | undefined;

/** The index of recent briefings (newest first). Immutable per deploy, so one load per isolate. */
export function loadBriefingIndex(env: { ASSETS: Fetcher }): Promise<BriefingIndex> {
  if (!loading) {
    // The host is not used: the binding serves this Worker's own assets by path.
    loading = env.ASSETS.fetch(`https://assets.local${INDEX_PATH}`).then(async (res) => {
      if (!res.ok) throw new Error(`briefing index: ${INDEX_PATH} answered ${res.status}; was the content built?`);
      return (await res.json()) as IndexDocument;
    });
    loading.catch(() => {
      loading = undefined; // try again on the next call
    });
  }
  return loading;
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
  const files = await Promise.all(
    months.map(async (month) => {
      const res = await env.ASSETS.fetch(`https://assets.local${monthPath(month)}`);
      if (res.status === 404) return [];
      if (!res.ok) throw new Error(`briefing archive: ${monthPath(month)} answered ${res.status}`);
      return ((await res.json()) as { briefings: IndexedBriefing[] }).briefings;
    }),
  );
  return files
    .flat()
    .filter((b) => Date.parse(b.published) >= from.getTime() && Date.parse(b.published) <= to.getTime());
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
