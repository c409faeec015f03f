// The site's pages, rendered from the content model with Hono's auto-escaping `html` template.
import { html, raw } from "hono/html";
import type { Cadence } from "../cadences.ts";
import type { Briefing, Content, IndexedBriefing, Outcome, SiteInfo } from "../content/schema.ts";
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

function tagList(tags: string[]) {
  if (!tags.length) return raw("");
  return html`<ul class="tags">${tags.map((t) => html`<li><a href="/tags/${t}">${t}</a></li>`)}</ul>`;
}

export function dateLine(b: Pick<IndexedBriefing, "published" | "updated">, language: string) {
  const published = html`<time datetime="${b.published}">${humanDate(b.published, language)}</time>`;
  const updated = b.updated
    ? html` · updated <time datetime="${b.updated}">${humanDate(b.updated, language)}</time>`
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
  error?: string;
}

export function subscribeForm(state: SubscribeFormState = {}) {
  const chosen = (c: Cadence) => ((state.cadence ?? "daily") === c ? raw(" checked") : raw(""));
  const error = state.error ? html`<p class="error" id="email-error" role="alert">${state.error}</p>` : raw("");
  return html`<form class="subscribe" method="post" action="/subscribe">
<h2>Get the key outcomes by email</h2>
<p class="meta">One short digest when new briefings appear. Confirm by email; leave with one click.</p>
${error}
<div class="row">
<label for="email" hidden>Email address</label>
<input id="email" name="email" type="email" required autocomplete="email" placeholder="you@example.org" maxlength="254" value="${state.email ?? ""}"${state.error ? raw(' aria-invalid="true" aria-describedby="email-error"') : raw("")}>
<button type="submit">Subscribe</button>
</div>
<fieldset><legend hidden>How often</legend>
<label><input type="radio" name="cadence" value="instant"${chosen("instant")}> As it happens</label>
<label><input type="radio" name="cadence" value="daily"${chosen("daily")}> Daily</label>
<label><input type="radio" name="cadence" value="weekly"${chosen("weekly")}> Weekly (Mondays)</label>
</fieldset>
</form>`;
}

function briefingListItem(b: Briefing, language: string) {
  return html`<li>
<p class="meta">${dateLine(b, language)}</p>
<h2><a href="/briefings/${b.slug}">${b.title}</a></h2>
<p>${b.summary}</p>
<ul class="glance">${b.outcomes.map((o) => html`<li>${o.headline}</li>`)}</ul>
${tagList(b.tags)}
</li>`;
}

function briefingList(briefings: Briefing[], language: string) {
  if (!briefings.length) return html`<p>No briefings yet.</p>`;
  return html`<ul class="briefing-list">${briefings.map((b) => briefingListItem(b, language))}</ul>`;
}

export function homePage({ content, base }: PageContext): Html {
  const { site } = content;
  const latest = content.briefings.slice(0, HOME_LIMIT);
  const main = html`<h1>Latest briefings</h1>
${subscribeForm()}
${calendarLinks(base, "", "The events these briefings cover:")}
${briefingList(latest, site.language)}
${content.briefings.length > HOME_LIMIT ? html`<p>Older briefings are in the <a href="${feedUrls(base, "").atom}">feeds</a>.</p>` : raw("")}`;
  return page({
    site,
    base,
    title: site.title,
    description: site.description,
    canonicalPath: "/",
    main,
    cssVersion: content.version,
  });
}

export function tagPage({ content, base }: PageContext, tag: string, briefings: Briefing[]): Html {
  const { site } = content;
  const feeds = feedUrls(base, `/tags/${tag}`);
  const main = html`<h1>Briefings tagged “${tag}”</h1>
<p class="meta">Follow this topic: <a href="${feeds.rss}">RSS</a> · <a href="${feeds.atom}">Atom</a> · <a href="${feeds.json}">JSON Feed</a></p>
${calendarLinks(base, `/tags/${tag}`, "This topic’s events:")}
${briefingList(briefings.slice(0, HOME_LIMIT), site.language)}
${subscribeForm()}`;
  return page({
    site,
    base,
    title: `Tagged ${tag}`,
    description: `Briefings tagged ${tag}`,
    canonicalPath: `/tags/${tag}`,
    feeds: { label: `${site.title}: ${tag}`, prefix: `/tags/${tag}` },
    main,
    cssVersion: content.version,
  });
}

export function briefingPage({ content, base }: PageContext, b: Briefing): Html {
  const { site } = content;
  const lang = site.language;
  const event = b.event
    ? html`<p class="meta">${eventLine(b, lang)}</p>
${calendarLinks(base, "", "This event and the others we cover:")}`
    : raw("");
  const source = b.source
    ? html`<p class="meta">Source: <a href="${b.source.url}" rel="noopener">${b.source.name}</a></p>`
    : raw("");
  const main = html`<article>
<p class="meta">${dateLine(b, lang)}</p>
<h1>${b.title}</h1>
${event}
<p class="summary">${b.summary}</p>
<section class="outcomes" aria-labelledby="key-outcomes">
<h2 id="key-outcomes">Key outcomes</h2>
<ol>${b.outcomes.map((o) => outcomeItem(o, lang))}</ol>
</section>
<div class="body">${raw(b.bodyHtml)}</div>
${source}
${tagList(b.tags)}
</article>
${subscribeForm()}`;
  return page({
    site,
    base,
    title: b.title,
    description: b.summary,
    canonicalPath: `/briefings/${b.slug}`,
    main,
    cssVersion: content.version,
    article: { published: rfc3339(b.published), modified: rfc3339(b.updated ?? b.published), tags: b.tags },
    structuredData: newsArticle(b, site, base),
  });
}

export function errorPage({ content, base }: SiteContext, status: number, heading: string, detail: string): Html {
  const main = html`<h1>${heading}</h1><p>${detail}</p><p><a href="/">Back to the latest briefings</a></p>`;
  return page({
    site: content.site,
    base,
    title: `${status} ${heading}`,
    description: detail,
    canonicalPath: "/",
    main,
    cssVersion: content.version,
  });
}
