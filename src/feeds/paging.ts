// RFC 5005 paged-feed links, shared by the RSS and Atom renderers (JSON Feed has only next_url).
import { type FeedDocument, pageUrl } from "./document.ts";

export interface PageLink {
  rel: "self" | "first" | "last" | "previous" | "next";
  href: string;
}

export function pagingLinks(doc: FeedDocument): PageLink[] {
  const links: PageLink[] = [{ rel: "self", href: pageUrl(doc, doc.page) }];
  if (doc.lastPage > 1) {
    links.push({ rel: "first", href: pageUrl(doc, 1) }, { rel: "last", href: pageUrl(doc, doc.lastPage) });
    if (doc.page > 1) links.push({ rel: "previous", href: pageUrl(doc, doc.page - 1) });
    if (doc.page < doc.lastPage) links.push({ rel: "next", href: pageUrl(doc, doc.page + 1) });
  }
  return links;
}
