// The HTML shell every page shares: feed autodiscovery, icons, link-preview tags (OpenGraph, Twitter
// card, schema.org JSON-LD), stylesheet, header and footer. No JavaScript.
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Site } from "../content/schema.ts";
import { ICON_PATHS, iconUrls } from "../icons/paths.ts";
import { publisherLine } from "../render/publisher-line.ts";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface FeedLinks {
  label: string;
  /** URL prefix: "" for the main feeds, "/tags/x" for a tag. */
  prefix: string;
}

export interface PageShell {
  site: Site;
  base: string;
  title: string;
  description: string;
  canonicalPath: string;
  feeds?: FeedLinks;
  main: Html;
  cssVersion: string;
  /** Pages reached through personal links: kept out of search engines. */
  noindex?: boolean;
  /** A briefing: previews show it as an article with its dates. */
  article?: { published: string; modified: string; tags: string[] };
  /** schema.org data for the page (JSON-LD). */
  structuredData?: object;
}

/** "en-GB" → "en_GB", the form OpenGraph's og:locale takes. */
function ogLocale(language: string): string {
  return language.replace("-", "_");
}

/** JSON inside <script>: "<" escaped so no text can close the element. */
function jsonLd(data: object) {
  return raw(`<script type="application/ld+json">${JSON.stringify(data).replace(/</g, "\\u003c")}</script>`);
}

function previewTags(shell: PageShell, fullTitle: string) {
  const { site, base } = shell;
  const image = iconUrls(base).large;
  const article = shell.article;
  return html`<meta property="og:type" content="${article ? "article" : "website"}">
<meta property="og:site_name" content="${site.title}">
<meta property="og:title" content="${shell.title === site.title ? site.title : shell.title}">
<meta property="og:description" content="${shell.description}">
<meta property="og:url" content="${base}${shell.canonicalPath}">
<meta property="og:locale" content="${ogLocale(site.language)}">
<meta property="og:image" content="${image.url}">
<meta property="og:image:width" content="${image.width}">
<meta property="og:image:height" content="${image.height}">
<meta property="og:image:alt" content="${site.title}">
${
  article
    ? html`<meta property="article:published_time" content="${article.published}">
<meta property="article:modified_time" content="${article.modified}">
${article.tags.map(
  (t) => html`<meta property="article:tag" content="${t}">
`,
)}`
    : raw("")
}<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="${fullTitle}">
<meta name="twitter:description" content="${shell.description}">
<meta name="twitter:image" content="${image.url}">
${shell.structuredData ? jsonLd(shell.structuredData) : raw("")}`;
}

export function feedUrls(base: string, prefix: string) {
  return {
    rss: `${base}${prefix}/feed.xml`,
    atom: `${base}${prefix}/atom.xml`,
    json: `${base}${prefix}/feed.json`,
  };
}

function autodiscovery(base: string, feeds: FeedLinks) {
  const urls = feedUrls(base, feeds.prefix);
  return html`<link rel="alternate" type="application/rss+xml" title="${feeds.label} (RSS)" href="${urls.rss}">
<link rel="alternate" type="application/atom+xml" title="${feeds.label} (Atom)" href="${urls.atom}">
<link rel="alternate" type="application/feed+json" title="${feeds.label} (JSON Feed)" href="${urls.json}">`;
}

/** A page of this site from its content and base URL: the shape most routes need. */
export function sitePage(
  ctx: { content: { site: Site; version: string }; base: string },
  p: { title: string; path: string; main: Html; description?: string; noindex?: boolean },
): Html {
  return page({
    site: ctx.content.site,
    base: ctx.base,
    title: p.title,
    description: p.description ?? p.title,
    canonicalPath: p.path,
    main: p.main,
    cssVersion: ctx.content.version,
    ...(p.noindex ? { noindex: true } : {}),
  });
}

export function page(shell: PageShell): Html {
  const { site, base } = shell;
  const feeds = shell.feeds ?? { label: site.title, prefix: "" };
  const main = feedUrls(base, "");
  const fullTitle = shell.title === site.title ? site.title : `${shell.title} · ${site.title}`;
  return html`<!doctype html>
<html lang="${site.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${fullTitle}</title>
<meta name="description" content="${shell.description}">
<link rel="canonical" href="${base}${shell.canonicalPath}">
${shell.noindex ? html`<meta name="robots" content="noindex, nofollow">` : raw("")}
<link rel="icon" href="${ICON_PATHS.ico}" sizes="16x16 32x32 48x48">
<link rel="icon" href="${ICON_PATHS.svg}" type="image/svg+xml">
<link rel="apple-touch-icon" href="${ICON_PATHS.touch}">
${previewTags(shell, fullTitle)}
<link rel="stylesheet" href="/assets/site.css?v=${shell.cssVersion}">
${autodiscovery(base, feeds)}
${feeds.prefix ? autodiscovery(base, { label: site.title, prefix: "" }) : raw("")}
</head>
<body>
<header class="site"><div class="wrap"><a class="brand" href="/">${site.title}</a><p>${site.description}</p></div></header>
<main class="wrap">
${shell.main}
</main>
<footer class="site"><div class="wrap">
<ul>
<li><a href="${main.rss}">RSS</a></li>
<li><a href="${main.atom}">Atom</a></li>
<li><a href="${main.json}">JSON Feed</a></li>
<li><a href="${base}/outcomes/feed.xml">Key outcomes feed</a></li>
<li><a href="/digests">Past digests</a></li>
</ul>
<p>${publisherLine(site.publisher, site.postalAddress)}</p>
</div></footer>
</body>
</html>`;
}
