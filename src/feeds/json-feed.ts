// JSON Feed 1.1 writer, from the model (the `feed` package writes only JSON Feed 1.0).
// Items carry the structured outcomes in the `_briefwire` extension for programs (see extension.ts).
import { rfc3339 } from "../render/dates.ts";
import { readFigure } from "../render/figures.ts";
import { type FeedDocument, type FeedEntry, type OutcomeData, pageUrl } from "./document.ts";
import { oncePerEntry } from "./entry-cache.ts";
import { EXTENSION_ABOUT_PATH } from "./extension.ts";

/** Figures keep the author's number and unit, plus the amount in the unit's base and the shown text. */
function outcomesData(outcomes: OutcomeData[], language: string) {
  return outcomes.map((o) => ({
    ...o,
    figures: o.figures.map((f) => {
      const { amount, currency, text } = readFigure(f, language);
      return { ...f, amount, ...(currency ? { currency } : {}), text };
    }),
  }));
}

const authorsOf = (doc: FeedDocument) => [{ name: doc.author, url: `${doc.base}/` }];
const aboutOf = (doc: FeedDocument) => `${doc.base}${EXTENSION_ABOUT_PATH}`;

/** One item as the feed's `items` array holds it: indented two levels, as JSON.stringify(feed, null, 2) would. */
const jsonItem = oncePerEntry(
  (e: FeedEntry, doc: FeedDocument) => {
    const about = aboutOf(doc);
    const item = {
      id: e.id,
      url: e.url,
      title: e.title,
      summary: e.summary,
      content_html: e.contentHtml,
      date_published: rfc3339(e.published),
      date_modified: rfc3339(e.updated),
      authors: authorsOf(doc),
      ...(e.tags.length ? { tags: e.tags } : {}),
      language: e.language ?? doc.language,
      _briefwire: { about, briefing: e.briefing, outcomes: outcomesData(e.outcomes, doc.language) },
    };
    // JSON strings never hold a raw line break, so every "\n" here is one of the layout's.
    return `    ${JSON.stringify(item, null, 2).replaceAll("\n", "\n    ")}`;
  },
  (doc) => `${doc.base}\n${doc.author}\n${doc.language}`,
);

export function renderJsonFeed(doc: FeedDocument): string {
  const feed = {
    version: "https://jsonfeed.org/version/1.1",
    title: doc.title,
    home_page_url: doc.homeUrl,
    // The feed's identifier: page 1 on every page, so next_url never equals it.
    feed_url: doc.feedUrl,
    description: doc.description,
    language: doc.language,
    authors: authorsOf(doc),
    icon: doc.logo,
    favicon: doc.icons.favicon,
    ...(doc.page < doc.lastPage ? { next_url: pageUrl(doc, doc.page + 1) } : {}),
    ...(doc.hub ? { hubs: [{ type: "WebSub", url: doc.hub }] } : {}),
    _briefwire: { about: aboutOf(doc) },
    items: [],
  };
  const head = JSON.stringify(feed, null, 2);
  if (!doc.entries.length) return `${head}\n`;
  // The items are serialised once per entry (entry-cache.ts) and put where the empty array stands.
  const items = doc.entries.map((e) => jsonItem(e, doc)).join(",\n");
  return `${head.slice(0, -"[]\n}".length)}[\n${items}\n  ]\n}\n`;
}
