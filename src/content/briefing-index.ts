// The index of recent briefings: the digest's, the WebSub pings' and the edition pages' only view of
// the archive. Built from the content at build time and served as a static asset; the Worker loads it
// (once per isolate and content version) instead of carrying the archive in its bundle.
import type { BriefingIndex, Content, IndexedBriefing, SiteInfo } from "./schema.ts";

/** Where the build puts the index among the static assets. */
export const INDEX_PATH = "/index/recent.json";

/** Briefings within this many days of the newest one are indexed… */
export const INDEX_DAYS = 62;
/** …and never fewer than this many (a site that publishes rarely still has a welcome-mail briefing). */
export const INDEX_MIN = 50;

const DAY_MS = 86_400_000;

export interface IndexDocument extends BriefingIndex {
  /** Content version of the build that wrote it. */
  version: string;
  /**
   * Oldest `published` the index is complete from (null: it holds every briefing). A window reaching
   * further back is completed from the month files (monthPath).
   */
  completeFrom: string | null;
}

/**
 * Where the build puts every briefing by the month it was published (`2024-10`): an admin run for a
 * window older than the index reads the months it covers (src/content/load-index.ts).
 */
export const monthPath = (month: string) => `/index/published/${month}/briefings.json`;

/** The UTC month of an RFC 3339 date-time, as `YYYY-MM`. */
export const monthOf = (date: string | Date) => new Date(date).toISOString().slice(0, 7);

const indexed = (b: IndexedBriefing): IndexedBriefing => ({
  slug: b.slug,
  title: b.title,
  summary: b.summary,
  outcomes: b.outcomes,
  tags: b.tags,
  published: b.published,
  ...(b.updated ? { updated: b.updated } : {}),
  // The words a digest in another language shows (no body: a digest carries none).
  ...(b.translations
    ? {
        translations: Object.fromEntries(
          Object.entries(b.translations).map(([code, t]) => [
            code,
            { title: t.title, summary: t.summary, outcomes: t.outcomes },
          ]),
        ),
      }
    : {}),
});

// The briefings of each month, newest first, grouped once per content: the build writes every month's
// file, and filtering the whole archive for each month made it quadratic.
const months = new WeakMap<Content, Map<string, Content["briefings"]>>();

function byMonth(content: Content): Map<string, Content["briefings"]> {
  let grouped = months.get(content);
  if (!grouped) {
    grouped = new Map();
    for (const b of content.briefings) {
      const month = monthOf(b.published);
      const list = grouped.get(month);
      if (list) list.push(b);
      else grouped.set(month, [b]);
    }
    months.set(content, grouped);
  }
  return grouped;
}

/** Every month a briefing was published in, newest first. */
export function publishedMonths(content: Content): string[] {
  return [...byMonth(content).keys()];
}

/** The briefings published in one month, newest first, as the index lists them. */
export function briefingsOfMonth(content: Content, month: string): { briefings: IndexedBriefing[] } {
  return { briefings: (byMonth(content).get(month) ?? []).map(indexed) };
}

const changedAt = (b: IndexedBriefing) => Date.parse(b.updated ?? b.published);

/**
 * The briefings published or updated within INDEX_DAYS of the newest one (at least INDEX_MIN), newest
 * first. Anchored to the content, not the clock, so the same content always gives the same bytes.
 */
export function buildBriefingIndex(content: Content): IndexDocument {
  const newest = Math.max(...content.briefings.map((b) => Date.parse(b.published)));
  const horizon = newest - INDEX_DAYS * DAY_MS;
  const briefings: IndexedBriefing[] = content.briefings
    .filter((b, i) => i < INDEX_MIN || Date.parse(b.published) >= horizon || changedAt(b) >= horizon)
    .map(indexed);
  // Newest first by published: every briefing up to the first one left out is in the index.
  const firstLeftOut = content.briefings.findIndex((b, i) => i >= INDEX_MIN && Date.parse(b.published) < horizon);
  const oldestComplete = firstLeftOut > 0 ? content.briefings[firstLeftOut - 1] : undefined;
  return {
    site: content.site,
    version: content.version,
    completeFrom: oldestComplete ? oldestComplete.published : null,
    briefings,
  };
}

/** What the Worker bundle carries: site settings, content version, tag names, the newest briefing. */
export function siteInfoOf(content: Content): SiteInfo {
  const latest = content.briefings[0];
  return {
    site: content.site,
    version: content.version,
    tags: [...new Set(content.briefings.flatMap((b) => b.tags))].sort(),
    ...(latest
      ? {
          latest: {
            slug: latest.slug,
            title: latest.title,
            ...(latest.translations
              ? {
                  titles: Object.fromEntries(Object.entries(latest.translations).map(([code, t]) => [code, t.title])),
                }
              : {}),
          },
        }
      : {}),
  };
}
