// JSON Feed 1.1 writer, from the model (the `feed` package writes only JSON Feed 1.0).
// Items carry the structured outcomes in the `_briefwire` extension for programs.
import { rfc3339 } from "../render/dates.ts";
import { type FeedDocument, pageUrl } from "./document.ts";

export function renderJsonFeed(doc: FeedDocument): string {
  const authors = [{ name: doc.author, url: `${doc.base}/` }];
  const feed = {
    version: "https://jsonfeed.org/version/1.1",
    title: doc.title,
    home_page_url: doc.homeUrl,
    // The feed's identifier: page 1 on every page, so next_url never equals it.
    feed_url: doc.feedUrl,
    description: doc.description,
    language: doc.language,
    authors,
    ...(doc.logo ? { icon: doc.logo } : {}),
    ...(doc.page < doc.lastPage ? { next_url: pageUrl(doc, doc.page + 1) } : {}),
    ...(doc.hub ? { hubs: [{ type: "WebSub", url: doc.hub }] } : {}),
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
      _briefwire: { briefing: e.briefing, outcomes: e.outcomes },
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}
