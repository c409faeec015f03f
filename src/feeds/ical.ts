// The events calendar (RFC 5545): one VEVENT per briefing that names an event, for /events.ics and
// /tags/<tag>/events.ics. Every date comes from the content, DTSTAMP included: in a calendar without
// METHOD it is when the information was last revised (RFC 5545 §3.8.7.2), i.e. the briefing's `updated`
// or `published`. So the bytes, and with them the ETag, only change when the content does.
// Serialisation rules (escaping, folding, CRLF): ical-lines.ts.
import { isTimed } from "../content/event-time.ts";
import type { Briefing, Content } from "../content/schema.ts";
import { briefingUrl } from "../render/briefing-html.ts";
import { newestOf } from "../render/dates.ts";
import { formatFigure } from "../render/figures.ts";
import { dateValue, contentLine as line, textValue, utcValue } from "./ical-lines.ts";
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

const DAY_MS = 86_400_000;

type BriefingEvent = NonNullable<Briefing["event"]>;

/** When the event happens: whole days (DTEND is exclusive, so the day after the last) or instants. */
function whenLines(event: BriefingEvent): string {
  if (isTimed(event.start)) {
    // Written in UTC: no VTIMEZONE to maintain, and every client shows the right local time. Without an
    // end the event is a point in time (§3.6.1).
    return line("DTSTART", utcValue(event.start)) + (event.end ? line("DTEND", utcValue(event.end)) : "");
  }
  const dayAfter = new Date(Date.parse(event.end ?? event.start) + DAY_MS).toISOString().slice(0, 10);
  return line("DTSTART;VALUE=DATE", dateValue(event.start)) + line("DTEND;VALUE=DATE", dateValue(dayAfter));
}

/** The briefing as plain text for DESCRIPTION: title, summary, numbered key outcomes, then the link. */
function eventDescription(b: Briefing, language: string, url: string): string {
  const outcomes = b.outcomes.map((o, i) => {
    const lines = [`${i + 1}. ${o.headline}`];
    if (o.detail) lines.push(`   ${o.detail}`);
    for (const f of o.figures ?? []) lines.push(`   ${formatFigure(f, language)}`);
    return lines.join("\n");
  });
  return [b.title, b.summary, `Key outcomes:\n${outcomes.join("\n")}`, `Full briefing: ${url}`].join("\n\n");
}

function eventLines(b: Briefing, event: BriefingEvent, content: Content, base: string, uidDomain: string): string {
  const url = briefingUrl(base, b.slug);
  const changed = utcValue(b.updated ?? b.published);
  return [
    line("BEGIN", "VEVENT"),
    // Stable per briefing: built from the slug and the site's canonical host, never from the title or
    // the address it happens to be served from, so a client never sees one event twice.
    line("UID", textValue(`${b.slug}@${uidDomain}`)),
    line("DTSTAMP", changed),
    whenLines(event),
    line("SUMMARY", textValue(event.name)),
    event.place ? line("LOCATION", textValue(event.place)) : "",
    line("DESCRIPTION", textValue(eventDescription(b, content.site.language, url))),
    line("URL", url),
    b.tags.length ? line("CATEGORIES", b.tags.map(textValue).join(",")) : "",
    line("CREATED", utcValue(b.published)),
    line("LAST-MODIFIED", changed),
    // A reader follows these events; they should not mark the reader's own time as busy.
    line("TRANSP", "TRANSPARENT"),
    line("END", "VEVENT"),
  ].join("");
}

export function renderCalendar(content: Content, req: CalendarRequest): CalendarResult {
  const { site } = content;
  const { base, tag } = req;
  let briefings = content.briefings;
  let name = `${site.title}: events`;
  let description = `Events covered by the briefings. ${site.description}`;
  let prefix = "";
  if (tag !== undefined) {
    briefings = briefings.filter((b) => b.tags.includes(tag));
    if (briefings.length === 0) return { ok: false, status: 404, reason: `no briefings are tagged "${tag}"` };
    name = `${site.title}: ${tag} events`;
    description = `Events covered by the briefings tagged ${tag}. ${site.description}`;
    prefix = `/tags/${tag}`;
  }
  const withEvents = briefings.filter((b) => b.event);
  const uidDomain = new URL(site.baseUrl).hostname;
  const poll = `PT${TTL_MINUTES}M`;
  const body = [
    line("BEGIN", "VCALENDAR"),
    line("VERSION", "2.0"),
    line("PRODID", "-//briefwire//events//EN"),
    line("CALSCALE", "GREGORIAN"),
    // The calendar's name, description, page, own address and refresh interval: RFC 7986, then the
    // X-WR-/X-PUBLISHED- forms that Apple Calendar and Outlook read.
    line("NAME", textValue(name)),
    line("X-WR-CALNAME", textValue(name)),
    line("DESCRIPTION", textValue(description)),
    line("X-WR-CALDESC", textValue(description)),
    line("URL", `${base}${prefix || "/"}`),
    line("SOURCE;VALUE=URI", `${base}${prefix}/${CALENDAR_FILE}`),
    line("REFRESH-INTERVAL;VALUE=DURATION", poll),
    line("X-PUBLISHED-TTL", poll),
    ...withEvents.map((b) => eventLines(b, b.event as BriefingEvent, content, base, uidDomain)),
    line("END", "VCALENDAR"),
  ].join("");
  // A known tag whose briefings name no event still gets a calendar, empty, so readers can subscribe
  // before the first event appears (the RFC 5545 grammar wants one component; clients accept none).
  const dated = withEvents.length ? withEvents : briefings;
  return {
    ok: true,
    body,
    lastModified: newestOf(dated.map((b) => b.updated ?? b.published)),
    events: withEvents.length,
  };
}
