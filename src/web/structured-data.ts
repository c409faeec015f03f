// schema.org data for a briefing page (JSON-LD): search engines and link previews read the headline,
// dates, publisher and the key outcomes from it without scraping the page.
import type { Briefing, Site } from "../content/schema.ts";
import type { Locale } from "../i18n/locale.ts";
import { iconUrls } from "../icons/paths.ts";
import { briefingUrl, outcomeUrl } from "../render/briefing-html.ts";
import { rfc3339 } from "../render/dates.ts";

/** Search engines show at most about 110 characters of a headline. */
const HEADLINE_MAX = 110;

function headline(title: string): string {
  const chars = Array.from(title);
  return chars.length <= HEADLINE_MAX ? title : `${chars.slice(0, HEADLINE_MAX - 1).join("")}…`;
}

export function newsArticle(b: Briefing, site: Site, base: string, locale?: Locale) {
  // The page's own address (under /fr/ for French); the words' language, untranslated or not.
  const pages = `${base}${locale?.prefix ?? ""}`;
  const url = briefingUrl(pages, b.slug);
  const icon = iconUrls(base).large;
  const publisher = {
    "@type": "Organization",
    name: site.publisher,
    url: `${base}/`,
    logo: { "@type": "ImageObject", url: icon.url, width: icon.width, height: icon.height },
  };
  return {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    headline: headline(b.title),
    description: b.summary,
    url,
    mainEntityOfPage: { "@type": "WebPage", "@id": url },
    inLanguage: locale ? locale.tagOf(b.language ?? locale.code) : site.language,
    datePublished: rfc3339(b.published),
    dateModified: rfc3339(b.updated ?? b.published),
    image: [icon.url],
    author: { "@type": "Organization", name: site.publisher, url: `${base}/` },
    publisher,
    ...(b.tags.length ? { keywords: b.tags } : {}),
    // The key outcomes, in order: what the briefing is about (`about` takes any Thing, an ItemList too;
    // `hasPart` would ask for a CreativeWork).
    about: {
      "@type": "ItemList",
      name: locale?.m.keyOutcomes ?? "Key outcomes",
      numberOfItems: b.outcomes.length,
      itemListElement: b.outcomes.map((o, i) => ({
        "@type": "ListItem",
        position: i + 1,
        name: o.headline,
        ...(o.detail ? { description: o.detail } : {}),
        url: outcomeUrl(pages, b.slug, o.id),
      })),
    },
  };
}
