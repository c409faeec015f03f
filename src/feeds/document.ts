// A format-neutral feed document built from the content model. The RSS, Atom and JSON Feed renderers
// only serialise it, so all three always carry the same entries, ids, dates and outcomes.
import type { Briefing, Content, Figure } from "../content/schema.ts";
import { type Locale, localeOf } from "../i18n/locale.ts";
import { iconUrls } from "../icons/paths.ts";
import { briefingContentHtml, briefingUrl, outcomeContentHtml, outcomeUrl } from "../render/briefing-html.ts";
import { newestOf } from "../render/dates.ts";
import { oncePerOwnerAndKey } from "../render/memo.ts";

export const PAGE_SIZE = 50;

export type FeedFormat = "rss" | "atom" | "json";

export const FEED_FILES: Record<FeedFormat, string> = { rss: "feed.xml", atom: "atom.xml", json: "feed.json" };

export interface OutcomeData {
  id: string;
  url: string;
  headline: string;
  detail?: string;
  figures: Figure[];
}

export interface FeedEntry {
  /** Stable, absolute; built from slugs only, so a new title never changes it. */
  id: string;
  url: string;
  title: string;
  /** Plain text. */
  summary: string;
  /** HTML with absolute URLs only. */
  contentHtml: string;
  published: string;
  updated: string;
  tags: string[];
  briefing: { slug: string; title: string; url: string };
  outcomes: OutcomeData[];
  /** Set when the entry's words are in another language than the feed's (an untranslated briefing). */
  language?: string;
}

export interface FeedDocument {
  title: string;
  description: string;
  language: string;
  author: string;
  /** The page this feed mirrors (home or a tag page). */
  homeUrl: string;
  /** The feed's own URL for page 1, in the requested format; later pages: see pageUrl. */
  feedUrl: string;
  base: string;
  page: number;
  lastPage: number;
  /** Newest entry change across all pages: Last-Modified and the feed's updated date. */
  updated: string;
  entries: FeedEntry[];
  icons: ReturnType<typeof iconUrls>;
  /** The publisher's logo from data/site.yaml, else the large icon. */
  logo: string;
  /** WebSub hub readers may subscribe to for pushed updates. */
  hub?: string;
}

export type FeedKind = { kind: "briefings"; tag?: string } | { kind: "outcomes" };

export interface FeedRequest {
  feed: FeedKind;
  format: FeedFormat;
  page: number;
  base: string;
  hub?: string;
}

/**
 * Page N of a feed is a path of its own, `<prefix>/page/N/<file>` (e.g. /tags/x/page/2/atom.xml): the
 * static asset layer that serves the feeds matches paths and ignores query strings.
 */
export function pagePath(path: string, page: number): string {
  if (page <= 1) return path;
  const slash = path.lastIndexOf("/");
  return `${path.slice(0, slash)}/page/${page}${path.slice(slash)}`;
}

export function pageUrl(doc: Pick<FeedDocument, "feedUrl">, page: number): string {
  return pagePath(doc.feedUrl, page);
}

function outcomeData(briefing: Briefing, pages: string): OutcomeData[] {
  return briefing.outcomes.map((o) => ({
    id: o.id,
    url: outcomeUrl(pages, briefing.slug, o.id),
    headline: o.headline,
    ...(o.detail ? { detail: o.detail } : {}),
    figures: o.figures ?? [],
  }));
}

// Entries built once per briefing and base URL: a briefing appears in its feed, its tags' feeds and
// all three formats, and the build renders every one of them.
const entries = oncePerOwnerAndKey<Briefing, FeedEntry>();

// A feed in another language links to that language's pages: `pages` is the base URL and its prefix
// (".../fr"); ids follow, so a French entry is never taken for the English one.
function briefingEntry(b: Briefing, locale: Locale, base: string): FeedEntry {
  return entries(b, `${base}${locale.prefix}`, () => newBriefingEntry(b, locale, base));
}

function newBriefingEntry(b: Briefing, locale: Locale, base: string): FeedEntry {
  const pages = `${base}${locale.prefix}`;
  const url = briefingUrl(pages, b.slug);
  return {
    id: url,
    url,
    title: b.title,
    summary: b.summary,
    contentHtml: briefingContentHtml(b, locale, base),
    published: b.published,
    updated: b.updated ?? b.published,
    tags: b.tags,
    briefing: { slug: b.slug, title: b.title, url },
    outcomes: outcomeData(b, pages),
    ...(b.language && b.language !== locale.code ? { language: locale.tagOf(b.language) } : {}),
  };
}

function outcomeEntries(b: Briefing, locale: Locale, base: string): FeedEntry[] {
  const pages = `${base}${locale.prefix}`;
  const all = outcomeData(b, pages);
  return b.outcomes.map((o, i) => ({
    id: outcomeUrl(pages, b.slug, o.id),
    url: outcomeUrl(pages, b.slug, o.id),
    title: o.headline,
    summary: o.detail ?? o.headline,
    contentHtml: outcomeContentHtml(o, b, locale, pages),
    published: b.published,
    updated: b.updated ?? b.published,
    tags: b.tags,
    briefing: { slug: b.slug, title: b.title, url: briefingUrl(pages, b.slug) },
    outcomes: [all[i] as OutcomeData],
    ...(b.language && b.language !== locale.code ? { language: locale.tagOf(b.language) } : {}),
  }));
}

export function tagsOf(content: Content): string[] {
  return [...new Set(content.briefings.flatMap((b) => b.tags))].sort();
}

export type FeedResult = { ok: true; doc: FeedDocument } | { ok: false; status: 404; reason: string };

interface Selection {
  briefings: Briefing[];
  /** Newest change among them, RFC 3339. */
  updated: string;
  outcomes: number;
  /** How many outcomes the briefings before each one have: where each starts in the outcomes feed. */
  outcomesBefore: number[];
}

// The briefings a feed shows, worked out once per content and tag: the build renders every page of
// every feed, and filtering and dating the whole archive for each page made it quadratic.
const selections = oncePerOwnerAndKey<Content, Selection>();

function selection(content: Content, tag: string | undefined): Selection {
  return selections(content, tag ?? "", () => {
    const briefings = tag === undefined ? content.briefings : content.briefings.filter((b) => b.tags.includes(tag));
    const outcomesBefore: number[] = [];
    let outcomes = 0;
    for (const b of briefings) {
      outcomesBefore.push(outcomes);
      outcomes += b.outcomes.length;
    }
    return {
      briefings,
      updated: newestOf(briefings.map((b) => b.updated ?? b.published)).toISOString(),
      outcomes,
      outcomesBefore,
    };
  });
}

/** The index of the briefing whose outcomes include the n-th (0-based) of all: the last start ≤ n. */
function briefingWithOutcome(outcomesBefore: number[], n: number): number {
  let low = 0;
  let high = outcomesBefore.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if ((outcomesBefore[mid] as number) <= n) low = mid;
    else high = mid - 1;
  }
  return low;
}

function pageCountOf(chosen: Selection, feed: FeedKind): number {
  // Outcome entries are cheap to count without building them all.
  const total = feed.kind === "outcomes" ? chosen.outcomes : chosen.briefings.length;
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

/** How many pages a feed has (the build renders pages 2…last of each). */
export function feedPageCount(content: Content, feed: FeedKind): number {
  return pageCountOf(selection(content, feed.kind === "briefings" ? feed.tag : undefined), feed);
}

/** Builds the document for one feed page, or says why there is none (unknown tag, page past the end). */
export function buildFeed(content: Content, req: FeedRequest): FeedResult {
  const { site } = content;
  const { feed, base, page } = req;
  const locale = localeOf(content);
  const { m } = locale;
  const pages = `${base}${locale.prefix}`;
  const chosen = selection(content, feed.kind === "briefings" ? feed.tag : undefined);
  const briefings = chosen.briefings;
  let prefix = "";
  let title = site.title;
  let description = site.description;
  let homeUrl = `${pages}/`;
  if (feed.kind === "briefings" && feed.tag !== undefined) {
    const tag = feed.tag;
    if (briefings.length === 0) return { ok: false, status: 404, reason: `no briefings are tagged "${tag}"` };
    prefix = `/tags/${tag}`;
    title = `${site.title}: ${tag}`;
    description = `${m.taggedFeedDescription(tag)} ${site.description}`;
    homeUrl = `${pages}/tags/${tag}`;
  } else if (feed.kind === "outcomes") {
    prefix = "/outcomes";
    title = m.outcomesFeedTitle(site.title);
    description = `${m.outcomesFeedDescription} ${site.description}`;
  }

  const lastPage = pageCountOf(chosen, feed);
  if (page > lastPage) return { ok: false, status: 404, reason: `page ${page} is past the last page (${lastPage})` };

  const start = (page - 1) * PAGE_SIZE;
  let entries: FeedEntry[];
  if (feed.kind === "outcomes") {
    // From the briefing this page's first outcome belongs to, until the page is full.
    let i = briefingWithOutcome(chosen.outcomesBefore, start);
    const skip = start - (chosen.outcomesBefore[i] ?? 0);
    entries = [];
    for (; i < briefings.length && entries.length < skip + PAGE_SIZE; i++) {
      entries.push(...outcomeEntries(briefings[i] as Briefing, locale, base));
    }
    entries = entries.slice(skip, skip + PAGE_SIZE);
  } else {
    entries = briefings.slice(start, start + PAGE_SIZE).map((b) => briefingEntry(b, locale, base));
  }

  return {
    ok: true,
    doc: {
      title,
      description,
      language: locale.tag,
      author: site.publisher,
      homeUrl,
      feedUrl: `${pages}${prefix}/${FEED_FILES[req.format]}`,
      base,
      page,
      lastPage,
      updated: chosen.updated,
      entries,
      icons: iconUrls(base),
      logo: site.logo ? new URL(site.logo, `${base}/`).href : iconUrls(base).large.url,
      ...(req.hub ? { hub: req.hub } : {}),
    },
  };
}
