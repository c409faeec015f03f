// HTML fragments for a briefing and its outcomes, shared by the feeds' content and the web pages,
// so every format shows the same key outcomes from the same model.
import type { Briefing, Figure, Outcome } from "../content/schema.ts";
import type { Locale } from "../i18n/locale.ts";
import { escapeHtml } from "../text/escape.ts";
import { humanDays } from "./dates.ts";
import { formatFigure } from "./figures.ts";

export function briefingUrl(base: string, slug: string): string {
  return `${base}/briefings/${slug}`;
}

export function outcomeUrl(base: string, slug: string, outcomeId: string): string {
  return `${briefingUrl(base, slug)}#${outcomeId}`;
}

/** Makes the root-relative links that the Markdown compiler leaves absolute (feeds and mails need that). */
export function absolutizeLinks(html: string, base: string): string {
  // Only our own attributes can match: text content has its quotes escaped.
  return html.replace(/ (href|src)="\//g, ` $1="${base}/`);
}

export function figuresHtml(figures: Figure[] | undefined, language: string): string {
  if (!figures?.length) return "";
  const items = figures.map((f) => `<li>${escapeHtml(formatFigure(f, language))}</li>`).join("");
  return `<ul>${items}</ul>`;
}

export function outcomeHtml(outcome: Outcome, language: string): string {
  const detail = outcome.detail ? ` — ${escapeHtml(outcome.detail)}` : "";
  return `<strong>${escapeHtml(outcome.headline)}</strong>${detail}${figuresHtml(outcome.figures, language)}`;
}

export function eventLine(briefing: Briefing, language: string): string {
  const { event } = briefing;
  if (!event) return "";
  const where = event.place ? `, ${event.place}` : "";
  return `${event.name}${where}, ${humanDays(event.start, event.end, language)}`;
}

/**
 * The full content of a briefing for a feed entry: summary, key outcomes, body, source; in the feed's
 * language (`locale`), links to pages under its prefix (`pages`), other links against `base`.
 */
export function briefingContentHtml(briefing: Briefing, locale: Locale, base: string): string {
  const lang = locale.tag;
  const { m } = locale;
  const outcomes = briefing.outcomes.map((o) => `<li id="${escapeHtml(o.id)}">${outcomeHtml(o, lang)}</li>`).join("");
  const event = briefing.event ? `<p><em>${escapeHtml(eventLine(briefing, lang))}</em></p>` : "";
  const source = briefing.source
    ? `<p>${escapeHtml(m.source)} <a href="${escapeHtml(briefing.source.url)}">${escapeHtml(briefing.source.name)}</a></p>`
    : "";
  return [
    `<p>${escapeHtml(briefing.summary)}</p>`,
    event,
    `<h2>${escapeHtml(m.keyOutcomes)}</h2><ol>${outcomes}</ol>`,
    absolutizeLinks(briefing.bodyHtml, base),
    source,
  ].join("");
}

/** The content of one outcome as its own feed entry, pointing back to its briefing (`pages`: base + prefix). */
export function outcomeContentHtml(outcome: Outcome, briefing: Briefing, locale: Locale, pages: string): string {
  const detail = outcome.detail ? `<p>${escapeHtml(outcome.detail)}</p>` : "";
  const link = `<p>${escapeHtml(locale.m.fromTheBriefing)} <a href="${escapeHtml(briefingUrl(pages, briefing.slug))}">${escapeHtml(briefing.title)}</a></p>`;
  return `${detail}${figuresHtml(outcome.figures, locale.tag)}${link}`;
}
