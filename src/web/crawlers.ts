// What search engines and link-preview crawlers read besides the pages: the sitemap (every public
// page from the content, with its last change; an index of several files past one file's limits) and
// robots.txt (which names it and keeps crawlers out of personal links and the publisher's API).
import type { Content } from "../content/schema.ts";
import { tagsOf } from "../feeds/document.ts";
import { contentIn, localesOf } from "../i18n/locale.ts";
import { briefingUrl } from "../render/briefing-html.ts";
import { newestOf, rfc3339 } from "../render/dates.ts";
import { escapeXml } from "../text/escape.ts";

/** The most one sitemap file may hold. */
export interface SitemapLimits {
  urls: number;
  /** Uncompressed, in UTF-8. */
  bytes: number;
}

/**
 * sitemaps.org allows 50,000 URLs and 50 MB (52,428,800 bytes) a file; Cloudflare serves no static
 * asset over 25 MiB, so that is the byte limit that binds. At about 112 bytes a URL, 50,000 URLs make
 * about 5.6 MB: the URL limit is the one reached in practice.
 */
export const SITEMAP_LIMITS: SitemapLimits = { urls: 50_000, bytes: 25 * 1024 * 1024 };

/** sitemaps.org: an index lists at most 50,000 sitemaps (2.5 billion pages at the limits above). */
const MAX_SITEMAPS_PER_INDEX = 50_000;

export interface Sitemap {
  /** What /sitemap.xml serves: every page in one <urlset>, or a <sitemapindex> of `files`. */
  root: string;
  /** The <urlset>s of /sitemaps/1.xml, /sitemaps/2.xml, …; none while every page fits in `root`. */
  files: string[];
}

/** Where the index's `n`th file (from 1) is served. */
export function sitemapFilePath(n: number): string {
  return `/sitemaps/${n}.xml`;
}

const XML_DECLARATION = `<?xml version="1.0" encoding="utf-8"?>\n`;
const URLSET_OPEN = `${XML_DECLARATION}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n`;
const URLSET_CLOSE = "</urlset>\n";
const utf8 = new TextEncoder();

interface Entry {
  /** The whole `<url>` line. */
  line: string;
  bytes: number;
  lastmod: number;
}

function entry(loc: string, lastmod: Date | string): Entry {
  const line = `  <url><loc>${escapeXml(loc)}</loc><lastmod>${rfc3339(lastmod)}</lastmod></url>\n`;
  return { line, bytes: utf8.encode(line).length, lastmod: new Date(lastmod).getTime() };
}

const urlset = (entries: Entry[]) => `${URLSET_OPEN}${entries.map((e) => e.line).join("")}${URLSET_CLOSE}`;

/**
 * Every public page with its last change: the home page, each briefing, each tag page. One file while
 * they fit within `limits` (the same bytes as ever); past that, numbered files and an index of them.
 */
export function buildSitemap(content: Content, base: string, limits: SitemapLimits = SITEMAP_LIMITS): Sitemap {
  const changed = (b: Content["briefings"][number]) => b.updated ?? b.published;
  // Every page in each of the site's languages (the others under their prefix, /fr/…), each language's
  // version changing when its own words do.
  const views = localesOf(content.site).map((l) => ({ view: contentIn(content, l.code), pages: `${base}${l.prefix}` }));
  const home = views.map(({ view, pages }) => entry(`${pages}/`, newestOf(view.briefings.map(changed))));
  // A briefing's languages side by side, so the split below still adds a new briefing at the end only.
  const briefings = content.briefings.flatMap((_, i) =>
    views.map(({ view, pages }) => {
      const b = view.briefings[i] as Content["briefings"][number];
      return entry(briefingUrl(pages, b.slug), changed(b));
    }),
  );
  const tags = views.flatMap(({ view, pages }) =>
    tagsOf(view).map((tag) =>
      entry(`${pages}/tags/${tag}`, newestOf(view.briefings.filter((b) => b.tags.includes(tag)).map(changed))),
    ),
  );
  const envelope = utf8.encode(URLSET_OPEN + URLSET_CLOSE).length;
  const pages = [...home, ...briefings, ...tags];
  if (pages.length <= limits.urls && pages.reduce((sum, p) => sum + p.bytes, envelope) <= limits.bytes)
    return { root: urlset(pages), files: [] };

  // Split: the briefings oldest first (content lists them newest first), then the pages that change
  // with every new briefing. A new briefing then changes only the last files, and crawlers, which
  // re-read a file when its <lastmod> in the index moves, leave the others alone.
  const files: Entry[][] = [];
  let file: Entry[] = [];
  let size = envelope;
  for (const page of [...briefings.reverse(), ...home, ...tags]) {
    if (envelope + page.bytes > limits.bytes)
      throw new Error(
        `sitemap: an entry of ${page.bytes} bytes is more than the ${limits.bytes} bytes a file may have`,
      );
    if (file.length === limits.urls || size + page.bytes > limits.bytes) {
      files.push(file);
      file = [];
      size = envelope;
    }
    file.push(page);
    size += page.bytes;
  }
  files.push(file);
  if (files.length > MAX_SITEMAPS_PER_INDEX)
    throw new Error(`sitemap: ${files.length} files, more than the ${MAX_SITEMAPS_PER_INDEX} an index may list`);

  const listed = files.map((entries, i) => {
    const newest = entries.reduce((max, e) => Math.max(max, e.lastmod), 0);
    const loc = escapeXml(`${base}${sitemapFilePath(i + 1)}`);
    return `  <sitemap><loc>${loc}</loc><lastmod>${rfc3339(new Date(newest))}</lastmod></sitemap>\n`;
  });
  return {
    root: `${XML_DECLARATION}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${listed.join("")}</sitemapindex>\n`,
    files: files.map(urlset),
  };
}

/** Paths reached through personal signed links, the local outbox and the admin API. */
const PRIVATE_PATHS = ["/admin/", "/confirm/", "/unsubscribe/", "/preferences/", "/outbox"];

/** `prefixes`: the site's other languages ("/fr"), whose personal links are kept off too. */
export function robotsTxt(base: string, prefixes: string[] = []): string {
  const personal = PRIVATE_PATHS.filter((p) => p !== "/admin/" && p !== "/outbox");
  const paths = [...PRIVATE_PATHS, ...prefixes.flatMap((prefix) => personal.map((p) => `${prefix}${p}`))];
  return `User-agent: *\n${paths.map((p) => `Disallow: ${p}\n`).join("")}\nSitemap: ${base}/sitemap.xml\n`;
}
