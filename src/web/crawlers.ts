// What search engines and link-preview crawlers read besides the pages: the sitemap (every public
// page from the content, with its last change) and robots.txt (which names it and keeps crawlers out
// of personal links and the publisher's API).
import type { Content } from "../content/schema.ts";
import { tagsOf } from "../feeds/document.ts";
import { briefingUrl } from "../render/briefing-html.ts";
import { newestOf, rfc3339 } from "../render/dates.ts";
import { escapeXml } from "../text/escape.ts";

export function sitemapXml(content: Content, base: string): string {
  const changed = (b: Content["briefings"][number]) => b.updated ?? b.published;
  const pages: { loc: string; lastmod: Date | string }[] = [
    { loc: `${base}/`, lastmod: newestOf(content.briefings.map(changed)) },
    ...content.briefings.map((b) => ({ loc: briefingUrl(base, b.slug), lastmod: changed(b) })),
    ...tagsOf(content).map((tag) => ({
      loc: `${base}/tags/${tag}`,
      lastmod: newestOf(content.briefings.filter((b) => b.tags.includes(tag)).map(changed)),
    })),
  ];
  const urls = pages
    .map((p) => `  <url><loc>${escapeXml(p.loc)}</loc><lastmod>${rfc3339(p.lastmod)}</lastmod></url>\n`)
    .join("");
  return `<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}</urlset>\n`;
}

/** Paths reached through personal signed links, the local outbox and the admin API. */
const PRIVATE_PATHS = ["/admin/", "/confirm/", "/unsubscribe/", "/preferences/", "/outbox"];

export function robotsTxt(base: string): string {
  return `User-agent: *\n${PRIVATE_PATHS.map((p) => `Disallow: ${p}\n`).join("")}\nSitemap: ${base}/sitemap.xml\n`;
}
