// The site's pages, rendered from the content model with Hono's auto-escaping `html` template.
import { html, raw } from "hono/html";
import type { Cadence } from "../cadences.ts";
import type { Briefing, Content, IndexedBriefing, Outcome, SiteInfo } from "../content/schema.ts";
import { type Locale, localeOf, localesOf } from "../i18n/locale.ts";
import { en, type Messages } from "../i18n/messages.ts";
import { eventLine } from "../render/briefing-html.ts";
import { humanDate, rfc3339 } from "../render/dates.ts";
import { formatFigure } from "../render/figures.ts";
import { calendarLinks } from "./calendar-links.ts";
import { feedUrls, type Html, page } from "./layout.ts";
import { newsArticle } from "./structured-data.ts";

export interface PageContext {
  content: Content;
  base: string;
}

/** What a page that shows no briefings needs: the Worker renders these without the archive. */
export interface SiteContext {
  content: Pick<SiteInfo, "site" | "version">;
  base: string;
}

const HOME_LIMIT = 30;

function tagList(tags: string[], prefix = "") {
  if (!tags.length) return raw("");
  return html`<ul class="tags">${tags.map((t) => html`<li><a href="${prefix}/tags/${t}">${t}</a></li>`)}</ul>`;
}

export function dateLine(b: Pick<IndexedBriefing, "published" | "updated">, language: string, m: Messages = en) {
  const published = html`<time datetime="${b.published}">${humanDate(b.published, language)}</time>`;
  const updated = b.updated
    ? html` · ${m.updated} <time datetime="${b.updated}">${humanDate(b.updated, language)}</time>`
    : raw("");
  return html`${published}${updated}`;
}

export function outcomeItem(o: Outcome, language: string) {
  const figures = o.figures?.length
    ? html`<ul class="figures">${o.figures.map((f) => html`<li>${formatFigure(f, language)}</li>`)}</ul>`
    : raw("");
  const detail = o.detail ? html`<br>${o.detail}` : raw("");
  return html`<li id="${o.id}"><strong>${o.headline}</strong>${detail}${figures}</li>`;
}

export interface SubscribeFormState {
  email?: string;
  cadence?: Cadence;
  /** The language asked for, kept when the form comes back with an error. */
  language?: string;
  error?: string;
}

/** The choice of the mail's language: the site's languages, each named in itself, one preselected. */
export interface LanguageChoice {
  locales: Locale[];
  selected: string;
}

export function languageSelect(choice: LanguageChoice | undefined, m: Messages) {
  if (!choice || choice.locales.length < 2) return raw("");
  return html`<p class="row"><label for="language">${m.mailLanguage}</label>
<select id="language" name="language">${choice.locales.map(
    (l) =>
      html`<option value="${l.code}" lang="${l.tag}"${l.code === choice.selected ? raw(" selected") : raw("")}>${l.m.name}</option>`,
  )}</select></p>
`;
}

export function subscribeForm(
  state: SubscribeFormState = {},
  m: Messages = en,
  languages?: LanguageChoice,
  action = "/subscribe",
) {
  const chosen = (c: Cadence) => ((state.cadence ?? "daily") === c ? raw(" checked") : raw(""));
  const error = state.error ? html`<p class="error" id="email-error" role="alert">${state.error}</p>` : raw("");
  const cadence = (c: Cadence) =>
    html`<label><input type="radio" name="cadence" value="${c}"${chosen(c)}> ${m.cadences[c]}</label>
`;
  return html`<form class="subscribe" method="post" action="${action}">
<h2>${m.subscribeHeading}</h2>
<p class="meta">${m.subscribeBlurb}</p>
${error}
<div class="row">
<label for="email" hidden>${m.emailAddress}</label>
<input id="email" name="email" type="email" required autocomplete="email" placeholder="you@example.org" maxlength="254" value="${state.email ?? ""}"${state.error ? raw(' aria-invalid="true" aria-describedby="email-error"') : raw("")}>
<button type="submit">${m.subscribe}</button>
</div>
<fieldset><legend hidden>${m.howOften}</legend>
${cadence("instant")}${cadence("daily")}${cadence("weekly")}</fieldset>
${languageSelect(languages && state.language ? { ...languages, selected: state.language } : languages, m)}</form>`;
}

/** lang="en-GB" on a briefing shown untranslated on another language's page (its words' language). */
function textLanguage(b: Briefing, locale: Locale) {
  return b.language && b.language !== locale.code ? html` lang="${locale.tagOf(b.language)}"` : raw("");
}

function untranslated(b: Briefing, locale: Locale) {
  return b.language && b.language !== locale.code
    ? html` <small class="meta">${locale.m.untranslated}</small>`
    : raw("");
}

function briefingListItem(b: Briefing, locale: Locale) {
  return html`<li>
<p class="meta">${dateLine(b, locale.tag, locale.m)}</p>
<h2><a href="${locale.prefix}/briefings/${b.slug}"${textLanguage(b, locale)}>${b.title}</a>${untranslated(b, locale)}</h2>
<p${textLanguage(b, locale)}>${b.summary}</p>
<ul class="glance"${textLanguage(b, locale)}>${b.outcomes.map((o) => html`<li>${o.headline}</li>`)}</ul>
${tagList(b.tags, locale.prefix)}
</li>`;
}

function briefingList(briefings: Briefing[], locale: Locale) {
  if (!briefings.length) return html`<p>${locale.m.noBriefings}</p>`;
  return html`<ul class="briefing-list">${briefings.map((b) => briefingListItem(b, locale))}</ul>`;
}

export function homePage({ content, base }: PageContext): Html {
  const { site } = content;
  const locale = localeOf(content);
  const { m, prefix } = locale;
  const latest = content.briefings.slice(0, HOME_LIMIT);
  const main = html`<h1>${m.latestBriefings}</h1>
${subscribeForm({}, m, { locales: localesOf(site), selected: locale.code }, `${prefix}/subscribe`)}
${calendarLinks(base, prefix, m.allEvents, m)}
${briefingList(latest, locale)}
${content.briefings.length > HOME_LIMIT ? html`<p>${m.olderInFeeds} <a href="${feedUrls(base, prefix).atom}">${m.feeds}</a>.</p>` : raw("")}`;
  return page({
    site,
    base,
    title: site.title,
    description: site.description,
    canonicalPath: "/",
    locale,
    alternates: localesOf(site),
    main,
    cssVersion: content.version,
  });
}

export function tagPage({ content, base }: PageContext, tag: string, briefings: Briefing[]): Html {
  const { site } = content;
  const locale = localeOf(content);
  const { m, prefix } = locale;
  const feeds = feedUrls(base, `${prefix}/tags/${tag}`);
  const main = html`<h1>${m.taggedHeading(tag)}</h1>
<p class="meta">${m.followTopic} <a href="${feeds.rss}">RSS</a> · <a href="${feeds.atom}">Atom</a> · <a href="${feeds.json}">JSON Feed</a></p>
${calendarLinks(base, `${prefix}/tags/${tag}`, m.topicEvents, m)}
${briefingList(briefings.slice(0, HOME_LIMIT), locale)}
${subscribeForm({}, m, { locales: localesOf(site), selected: locale.code }, `${prefix}/subscribe`)}`;
  return page({
    site,
    base,
    title: m.taggedTitle(tag),
    description: m.taggedDescription(tag),
    canonicalPath: `/tags/${tag}`,
    locale,
    alternates: localesOf(site),
    feeds: { label: `${site.title}: ${tag}`, prefix: `${prefix}/tags/${tag}` },
    main,
    cssVersion: content.version,
  });
}

export function briefingPage({ content, base }: PageContext, b: Briefing): Html {
  const { site } = content;
  const locale = localeOf(content);
  const { m, prefix } = locale;
  const lang = locale.tag;
  const event = b.event
    ? html`<p class="meta">${eventLine(b, lang)}</p>
${calendarLinks(base, prefix, m.eventAndOthers, m)}`
    : raw("");
  const source = b.source
    ? html`<p class="meta">${m.source} <a href="${b.source.url}" rel="noopener">${b.source.name}</a></p>`
    : raw("");
  const main = html`<article${textLanguage(b, locale)}>
<p class="meta">${dateLine(b, lang, m)}</p>
<h1>${b.title}</h1>${untranslated(b, locale)}
${event}
<p class="summary">${b.summary}</p>
<section class="outcomes" aria-labelledby="key-outcomes">
<h2 id="key-outcomes">${m.keyOutcomes}</h2>
<ol>${b.outcomes.map((o) => outcomeItem(o, lang))}</ol>
</section>
<div class="body">${raw(b.bodyHtml)}</div>
${source}
${tagList(b.tags, prefix)}
</article>
${subscribeForm({}, m, { locales: localesOf(site), selected: locale.code }, `${prefix}/subscribe`)}`;
  return page({
    site,
    base,
    title: b.title,
    description: b.summary,
    canonicalPath: `/briefings/${b.slug}`,
    locale,
    alternates: localesOf(site),
    main,
    cssVersion: content.version,
    article: { published: rfc3339(b.published), modified: rfc3339(b.updated ?? b.published), tags: b.tags },
    structuredData: newsArticle(b, site, base, locale),
  });
}

export function errorPage(
  { content, base }: SiteContext,
  status: number,
  heading: string,
  detail: string,
  locale?: Locale,
): Html {
  const here = locale ?? localeOf(content);
  const main = html`<h1>${heading}</h1><p>${detail}</p><p><a href="${here.prefix}/">${here.m.backToLatest}</a></p>`;
  return page({
    site: content.site,
    base,
    title: `${status} ${heading}`,
    description: detail,
    canonicalPath: "/",
    locale: here,
    main,
    cssVersion: content.version,
  });
}
