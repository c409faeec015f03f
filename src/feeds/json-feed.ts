// JSON Feed 1.1 writer, from the model (the `feed` package writes only JSON Feed 1.0).
// Items carry the structured outcomes in the `_briefwire` extension for programs (see extension.ts).
import { rfc3339 } from "../render/dates.ts";
import { readFigure } from "../render/figures.ts";
import { type FeedDocument, type OutcomeData, pageUrl } from "./document.ts";
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

export function renderJsonFeed(doc: FeedDocument): string {
  const authors = [{ name: doc.author, url: `${doc.base}/` }];
  const about = `${doc.base}${EXTENSION_ABOUT_PATH}`;
  const feed = {
    version: "https://jsonfeed.org/version/1.1",
    title: doc.title,
    home_page_url: doc.homeUrl,
    // The feed's identifier: page 1 on every page, so next_url never equals it.
    feed_url: doc.feedUrl,
    description: doc.description,
    language: doc.language,
    authors,
    icon: doc.logo,
    favicon: doc.icons.favicon,
    ...(doc.page < doc.lastPage ? { next_url: pageUrl(doc, doc.page + 1) } : {}),
    ...(doc.hub ? { hubs: [{ type: "WebSub", url: doc.hub }] } : {}),
    _briefwire: { about },
    items: doc.entries.map((e) => ({
      id: e.id,
      url: e.url,
      title: e.title,
      summary: e.summary,
      content_html: e.contentHtml,
      date_published: rfc3339(e.published),
      date_modified: rfc3339(e.updated),
      authors,
      ...(e.tags.length ? { tags: e.tags } : {}),
      language: doc.language,
      _briefwire: { about, briefing: e.briefing, outcomes: outcomesData(e.outcomes, doc.language) },
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}
