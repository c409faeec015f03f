// The HTML shell every page shares: feed autodiscovery, icons, link-preview tags (OpenGraph, Twitter
// card, schema.org JSON-LD), stylesheet, header and footer. No JavaScript.
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Site } from "../content/schema.ts";
import { defaultLanguage, type Locale, localeFor } from "../i18n/locale.ts";
import { ICON_PATHS, iconUrls } from "../icons/paths.ts";
import { publisherLine } from "../render/publisher-line.ts";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface FeedLinks {
  label: string;
  /** URL prefix: "" for the main feeds, "/tags/x" for a tag, "/fr/tags/x" for a tag in French. */
  prefix: string;
}

export interface PageShell {
  site: Site;
  base: string;
  title: string;
  description: string;
  /** The page's path in the default language ("/briefings/x"); the locale's prefix goes before it. */
  canonicalPath: string;
  /** The language the page is in: the site's default unless said. */
  locale?: Locale;
  /**
   * The languages the page exists in (the same path under each prefix): linked with hreflang, and
   * each other one offered by a visible link. Absent: the page exists in its language only.
   */
  alternates?: Locale[];
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

function previewTags(shell: PageShell, fullTitle: string, locale: Locale) {
  const { site, base } = shell;
  const image = iconUrls(base).large;
  const article = shell.article;
  return html`<meta property="og:type" content="${article ? "article" : "website"}">
<meta property="og:site_name" content="${site.title}">
<meta property="og:title" content="${shell.title === site.title ? site.title : shell.title}">
<meta property="og:description" content="${shell.description}">
<meta property="og:url" content="${base}${locale.prefix}${shell.canonicalPath}">
<meta property="og:locale" content="${ogLocale(locale.tag)}">
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

/** <link rel="alternate" hreflang> to each language's version of the page, and x-default (the default's). */
function languageLinks(base: string, path: string, alternates: Locale[]) {
  const [first] = alternates;
  if (alternates.length < 2 || !first) return raw("");
  return html`${alternates.map(
    (l) => html`<link rel="alternate" hreflang="${l.tag}" href="${base}${l.prefix}${path}">
`,
  )}<link rel="alternate" hreflang="x-default" href="${base}${first.prefix}${path}">`;
}

/** The visible way to the page in each other language, each link written in its own language. */
function languageSwitch(path: string, locale: Locale, alternates: Locale[] | undefined) {
  const others = (alternates ?? []).filter((l) => l.code !== locale.code);
  if (!others.length) return raw("");
  return html`<ul class="languages">${others.map(
    (l) =>
      html`<li><a href="${l.prefix}${path}" hreflang="${l.tag}" lang="${l.tag}" title="${l.m.switchTo}">${l.m.name}</a></li>`,
  )}</ul>`;
}

/** A page of this site from its content and base URL: the shape most routes need. */
export function sitePage(
  ctx: { content: { site: Site; version: string }; base: string },
  p: {
    title: string;
    path: string;
    main: Html;
    description?: string;
    noindex?: boolean;
    locale?: Locale;
    alternates?: Locale[];
  },
): Html {
  return page({
    ...(p.locale ? { locale: p.locale } : {}),
    ...(p.alternates ? { alternates: p.alternates } : {}),
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
  const locale = shell.locale ?? localeFor(site, defaultLanguage(site));
  const { m, prefix } = locale;
  const feeds = shell.feeds ?? { label: site.title, prefix };
  const main = feedUrls(base, prefix);
  const fullTitle = shell.title === site.title ? site.title : `${shell.title} · ${site.title}`;
  return html`<!doctype html>
<html lang="${locale.tag}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${fullTitle}</title>
<meta name="description" content="${shell.description}">
<link rel="canonical" href="${base}${prefix}${shell.canonicalPath}">
${languageLinks(base, shell.canonicalPath, shell.alternates ?? [])}
${shell.noindex ? html`<meta name="robots" content="noindex, nofollow">` : raw("")}
<link rel="icon" href="${ICON_PATHS.ico}" sizes="16x16 32x32 48x48">
<link rel="icon" href="${ICON_PATHS.svg}" type="image/svg+xml">
<link rel="apple-touch-icon" href="${ICON_PATHS.touch}">
${previewTags(shell, fullTitle, locale)}
<link rel="stylesheet" href="/assets/site.css?v=${shell.cssVersion}">
${autodiscovery(base, feeds)}
${feeds.prefix !== prefix ? autodiscovery(base, { label: site.title, prefix }) : raw("")}
</head>
<body>
<header class="site"><div class="wrap"><a class="brand" href="${prefix}/">${site.title}</a><p>${site.description}</p>${languageSwitch(shell.canonicalPath, locale, shell.alternates)}</div></header>
<main class="wrap">
${shell.main}
</main>
<footer class="site"><div class="wrap">
<ul>
<li><a href="${main.rss}">RSS</a></li>
<li><a href="${main.atom}">Atom</a></li>
<li><a href="${main.json}">JSON Feed</a></li>
<li><a href="${base}${prefix}/outcomes/feed.xml">${m.outcomesFeedLink}</a></li>
<li><a href="${prefix}/digests">${m.pastDigests}</a></li>
</ul>
<p>${publisherLine(site.publisher, site.postalAddress)}</p>
</div></footer>
</body>
</html>`;
}
