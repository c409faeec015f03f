// RSS 2.0 writer. Written here rather than with the `feed` package, whose RSS output puts titles in
// CDATA (the W3C validator's CharacterData warning), breaks on "]]>" twice, passes control characters,
// leaves "&" raw in attributes and has no atom:link for self or paging; none of that can be fixed by
// cleaning its input. See escapeRssText for how plain-text elements are escaped.

import { rfc822 } from "../render/dates.ts";
import { escapeHtml, escapeRssText, escapeXml } from "../text/escape.ts";
import type { FeedDocument } from "./document.ts";
import { oncePerEntry } from "./entry-cache.ts";
import { pagingLinks } from "./paging.ts";

/** Minutes a reader should wait between polls; matches the HTTP Cache-Control we send. */
export const TTL_MINUTES = 15;

const rssItem = oncePerEntry(
  (e, doc) => {
    const categories = e.tags.map((t) => `      <category>${escapeRssText(t)}</category>\n`).join("");
    return (
      "    <item>\n" +
      `      <title>${escapeRssText(e.title)}</title>\n` +
      `      <link>${escapeXml(e.url)}</link>\n` +
      `      <guid isPermaLink="true">${escapeXml(e.id)}</guid>\n` +
      `      <pubDate>${rfc822(e.published)}</pubDate>\n` +
      `      <dc:creator>${escapeRssText(doc.author)}</dc:creator>\n` +
      categories +
      // description is HTML in RSS: the plain summary is HTML-escaped, then XML-escaped.
      `      <description>${escapeXml(`<p>${escapeHtml(e.summary)}</p>`)}</description>\n` +
      `      <content:encoded>${escapeXml(e.contentHtml)}</content:encoded>\n` +
      "    </item>\n"
    );
  },
  (doc) => doc.author,
);

export function renderRss(doc: FeedDocument): string {
  const links = pagingLinks(doc)
    .map((l) => `    <atom:link rel="${l.rel}" href="${escapeXml(l.href)}" type="application/rss+xml"/>\n`)
    .join("");
  const hub = doc.hub ? `    <atom:link rel="hub" href="${escapeXml(doc.hub)}"/>\n` : "";
  // RSS images are at most 144 wide; title and link must match the channel's (W3C validator).
  const { url, width, height } = doc.icons.rssImage;
  const image = `    <image><url>${escapeXml(url)}</url><title>${escapeRssText(doc.title)}</title><link>${escapeXml(doc.homeUrl)}</link><width>${width}</width><height>${height}</height></image>\n`;
  const items = doc.entries.map((e) => rssItem(e, doc)).join("");
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n' +
    "  <channel>\n" +
    `    <title>${escapeRssText(doc.title)}</title>\n` +
    `    <link>${escapeXml(doc.homeUrl)}</link>\n` +
    `    <description>${escapeRssText(doc.description)}</description>\n` +
    `    <language>${escapeXml(doc.language)}</language>\n` +
    `    <lastBuildDate>${rfc822(doc.updated)}</lastBuildDate>\n` +
    `    <pubDate>${rfc822(doc.updated)}</pubDate>\n` +
    `    <ttl>${TTL_MINUTES}</ttl>\n` +
    "    <docs>https://www.rssboard.org/rss-specification</docs>\n" +
    links +
    hub +
    image +
    items +
    "  </channel>\n" +
    "</rss>\n"
  );
}
