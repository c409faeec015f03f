// Atom 1.0 writer (RFC 4287, paging per RFC 5005). Written here rather than with the `feed` package:
// its Atom titles are type="html" in CDATA (so "A & <B>" reads back as "A &"), a "<" in a category term
// makes the XML invalid, and ids that are not URLs throw.

import { rfc3339 } from "../render/dates.ts";
import { escapeHtml, escapeXml } from "../text/escape.ts";
import type { FeedDocument } from "./document.ts";
import { oncePerEntry } from "./entry-cache.ts";
import { pagingLinks } from "./paging.ts";

/**
 * A plain-text construct. type="text" unless the text contains something shaped like an HTML end tag
 * ("</b>"): validators and some readers take that for undeclared HTML, so such text is sent as
 * type="html" holding the HTML-escaped text, which every reader turns back into the same literal text.
 */
function textConstruct(element: string, text: string): string {
  if (/<\/[a-z]/i.test(text)) return `<${element} type="html">${escapeXml(escapeHtml(text))}</${element}>`;
  return `<${element} type="text">${escapeXml(text)}</${element}>`;
}

// An entry reads nothing from its feed document, so each is written once.
const atomEntry = oncePerEntry(
  (e) => {
    const categories = e.tags.map((t) => `    <category term="${escapeXml(t)}"/>\n`).join("");
    return (
      // An untranslated briefing in another language's feed says which language its words are in.
      (e.language ? `  <entry xml:lang="${escapeXml(e.language)}">\n` : "  <entry>\n") +
      `    <id>${escapeXml(e.id)}</id>\n` +
      `    ${textConstruct("title", e.title)}\n` +
      `    <link rel="alternate" type="text/html" href="${escapeXml(e.url)}"/>\n` +
      `    <published>${rfc3339(e.published)}</published>\n` +
      `    <updated>${rfc3339(e.updated)}</updated>\n` +
      categories +
      `    ${textConstruct("summary", e.summary)}\n` +
      `    <content type="html">${escapeXml(e.contentHtml)}</content>\n` +
      "  </entry>\n"
    );
  },
  () => "",
);

export function renderAtom(doc: FeedDocument): string {
  const links = pagingLinks(doc)
    .map((l) => `  <link rel="${l.rel}" href="${escapeXml(l.href)}" type="application/atom+xml"/>\n`)
    .join("");
  // RFC 4287: icon small and square, logo larger.
  const images = `  <icon>${escapeXml(doc.icons.ico)}</icon>\n  <logo>${escapeXml(doc.logo)}</logo>\n`;
  const hub = doc.hub ? `  <link rel="hub" href="${escapeXml(doc.hub)}"/>\n` : "";
  const entries = doc.entries.map((e) => atomEntry(e, doc)).join("");
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeXml(doc.language)}">\n` +
    // One id for the feed across all its pages: the URL of its first page.
    `  <id>${escapeXml(doc.feedUrl)}</id>\n` +
    `  ${textConstruct("title", doc.title)}\n` +
    `  ${textConstruct("subtitle", doc.description)}\n` +
    `  <updated>${rfc3339(doc.updated)}</updated>\n` +
    `  <author><name>${escapeXml(doc.author)}</name><uri>${escapeXml(`${doc.base}/`)}</uri></author>\n` +
    `  <link rel="alternate" type="text/html" href="${escapeXml(doc.homeUrl)}"/>\n` +
    links +
    hub +
    images +
    entries +
    "</feed>\n"
  );
}
