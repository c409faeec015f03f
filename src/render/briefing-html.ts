// HTML fragments for a briefing and its outcomes, shared by the feeds' content and the web pages,
// so every format shows the same key outcomes from the same model.
import type { Briefing, Figure, Outcome, Site } from "../content/schema.ts";
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

/** The full content of a briefing for a feed entry: summary, key outcomes, body, source. */
export function briefingContentHtml(briefing: Briefing, site: Site, base: string): string {
  const lang = site.language;
  const outcomes = briefing.outcomes.map((o) => `<li id="${escapeHtml(o.id)}">${outcomeHtml(o, lang)}</li>`).join("");
  const event = briefing.event ? `<p><em>${escapeHtml(eventLine(briefing, lang))}</em></p>` : "";
  const source = briefing.source
    ? `<p>Source: <a href="${escapeHtml(briefing.source.url)}">${escapeHtml(briefing.source.name)}</a></p>`
    : "";
  return [
    `<p>${escapeHtml(briefing.summary)}</p>`,
    event,
    `<h2>Key outcomes</h2><ol>${outcomes}</ol>`,
    absolutizeLinks(briefing.bodyHtml, base),
    source,
  ].join("");
}

/** The content of one outcome as its own feed entry, pointing back to its briefing. */
export function outcomeContentHtml(outcome: Outcome, briefing: Briefing, site: Site, base: string): string {
  const detail = outcome.detail ? `<p>${escapeHtml(outcome.detail)}</p>` : "";
  const link = `<p>From the briefing <a href="${escapeHtml(briefingUrl(base, briefing.slug))}">${escapeHtml(briefing.title)}</a></p>`;
  return `${detail}${figuresHtml(outcome.figures, site.language)}${link}`;
}
