// The events calendar (RFC 5545): one VEVENT per briefing that names an event, for /events.ics and
// /tags/<tag>/events.ics.
//
// Serialised with ical-generator (about 9 KB gzip, no dependencies, no Node APIs): it escapes `\ ; ,` and
// newlines, folds lines at 75 octets without splitting a UTF-8 character, writes CRLF and VALUE=DATE.
// This module decides what goes in, and closes the two gaps the library leaves:
// - it passes control characters through, which RFC 5545 TEXT cannot carry (`calendarText` drops them);
// - it ends the last line without the CRLF the RFC 5545 grammar requires after END:VCALENDAR.
// Every date comes from the content (DTSTAMP included, which the library would otherwise set to "now"),
// so the bytes, and with them the ETag, only change when the content does.
import ical, { type ICalEventData, ICalEventTransparency } from "ical-generator";
import { isTimed } from "../content/event-time.ts";
import type { Briefing, Content } from "../content/schema.ts";
import { briefingUrl, formatFigure } from "../render/briefing-html.ts";
import { newestOf } from "../render/dates.ts";
import { TTL_MINUTES } from "./rss.ts";

export const CALENDAR_FILE = "events.ics";
export const CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8";

export interface CalendarRequest {
  base: string;
  tag?: string;
}

export type CalendarResult =
  | { ok: true; body: string; lastModified: Date; events: number }
  | { ok: false; status: 404; reason: string };

// RFC 5545 §3.3.11: TEXT is any character but CONTROL (U+0000–U+0008, U+000A–U+001F, U+007F). Tab
// stays; line breaks stay too, the library escapes them as \n. Lone surrogates have no UTF-8 form.
const NOT_CALENDAR_TEXT = /[^\t\n\r\u0020-\u007E\u0080-\uD7FF\uE000-\u{10FFFF}]/gu;

/** Plain text as a calendar can carry it: the same text without the characters RFC 5545 forbids. */
export function calendarText(text: string): string {
  return text.replace(NOT_CALENDAR_TEXT, "");
}

const DAY_MS = 86_400_000;

/** A day as midnight UTC: ical-generator writes all-day dates from the UTC calendar date. */
function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** When the event happens: whole days (DTEND is exclusive, so the day after the last) or instants. */
function eventTimes(event: NonNullable<Briefing["event"]>): Pick<ICalEventData, "start" | "end" | "allDay"> {
  if (isTimed(event.start)) {
    // Written in UTC: no VTIMEZONE to maintain, and every client shows the right local time. Without an
    // end the event is a point in time (RFC 5545 §3.6.1).
    return { start: new Date(event.start), end: event.end ? new Date(event.end) : null, allDay: false };
  }
  const lastDay = dayStart(event.end ?? event.start);
  return { start: dayStart(event.start), end: new Date(lastDay.getTime() + DAY_MS), allDay: true };
}

/** The briefing as plain text for DESCRIPTION: summary, numbered key outcomes, then the link. */
function eventDescription(b: Briefing, language: string, url: string): string {
  const outcomes = b.outcomes.map((o, i) => {
    const lines = [`${i + 1}. ${o.headline}`];
    if (o.detail) lines.push(`   ${o.detail}`);
    for (const f of o.figures ?? []) lines.push(`   ${formatFigure(f, language)}`);
    return lines.join("\n");
  });
  return [b.title, b.summary, `Key outcomes:\n${outcomes.join("\n")}`, `Full briefing: ${url}`].join("\n\n");
}

function eventData(b: Briefing, content: Content, base: string, uidDomain: string): ICalEventData {
  const event = b.event as NonNullable<Briefing["event"]>;
  const url = briefingUrl(base, b.slug);
  const changed = new Date(b.updated ?? b.published);
  return {
    // Stable per briefing: built from the slug and the site's canonical host, never from the title or
    // the address it happens to be served from, so a client never sees one event twice.
    id: `${b.slug}@${uidDomain}`,
    stamp: changed,
    created: new Date(b.published),
    lastModified: changed,
    ...eventTimes(event),
    summary: calendarText(event.name),
    location: event.place ? calendarText(event.place) : null,
    description: calendarText(eventDescription(b, content.site.language, url)),
    url,
    categories: b.tags.map((name) => ({ name })),
    // A reader follows these events; they should not mark the reader's own time as busy.
    transparency: ICalEventTransparency.TRANSPARENT,
  };
}

export function renderCalendar(content: Content, req: CalendarRequest): CalendarResult {
  const { site } = content;
  const { base, tag } = req;
  let briefings = content.briefings;
  let name = `${site.title}: events`;
  let description = `Events covered by the briefings. ${site.description}`;
  let homeUrl = `${base}/`;
  if (tag !== undefined) {
    briefings = briefings.filter((b) => b.tags.includes(tag));
    if (briefings.length === 0) return { ok: false, status: 404, reason: `no briefings are tagged "${tag}"` };
    name = `${site.title}: ${tag} events`;
    description = `Events covered by the briefings tagged ${tag}. ${site.description}`;
    homeUrl = `${base}/tags/${tag}`;
  }
  const withEvents = briefings.filter((b) => b.event);
  const uidDomain = new URL(site.baseUrl).hostname;
  const calendar = ical({
    prodId: { company: "briefwire", product: "events", language: "EN" },
    name: calendarText(name),
    description: calendarText(description),
    url: homeUrl,
    scale: "gregorian",
    // REFRESH-INTERVAL and X-PUBLISHED-TTL: how often subscribed clients should poll, as the feeds' TTL.
    ttl: TTL_MINUTES * 60,
    events: withEvents.map((b) => eventData(b, content, base, uidDomain)),
  });
  const body = calendar.toString();
  // A known tag whose briefings name no event still gets a calendar, empty, so readers can subscribe
  // before the first event appears (the RFC 5545 grammar wants one component; clients accept none).
  const dated = withEvents.length ? withEvents : briefings;
  return {
    ok: true,
    body: body.endsWith("\r\n") ? body : `${body}\r\n`,
    lastModified: newestOf(dated.map((b) => b.updated ?? b.published)),
    events: withEvents.length,
  };
}
