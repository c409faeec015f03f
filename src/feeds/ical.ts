// The events calendar (RFC 5545): one VEVENT per briefing that names an event, the nearest ones only,
// for /events.ics and /tags/<tag>/events.ics. Every date comes from the content, DTSTAMP included: in a
// calendar without METHOD it is when the information was last revised (RFC 5545 §3.8.7.2), i.e. the
// briefing's `updated` or `published`. So the bytes, and with them the ETag, only change when the
// content does.
// Serialisation rules (escaping, folding, CRLF): ical-lines.ts.
//
// A calendar holds the events nearest the content's present, not every event ever: calendar apps
// re-download a subscribed calendar whole every few hours, the Worker gzips it once per isolate, and a
// static asset may not pass 25 MiB. Which events (calendarEvents below) depends on the content alone,
// never on the clock, so the bytes stay the same until the content changes.
import { isTimed } from "../content/event-time.ts";
import type { Briefing, Content } from "../content/schema.ts";
import { type Locale, localeOf } from "../i18n/locale.ts";
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

/**
 * The most events one calendar holds. At about 2 KB an event (the generated archive's briefings, with
 * their outcomes in DESCRIPTION) 200 events make about 0.4 MB, the size of the largest feed page, so a
 * calendar costs no more to send or compress than a feed does; at one or two events a day that is
 * months of recent past besides everything upcoming.
 */
export const CALENDAR_MAX_EVENTS = 200;
/** And the most octets, whatever the length of the briefings: a hard bound, far below the 25 MiB a static asset may have. */
export const CALENDAR_MAX_BYTES = 1_048_576;

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
function eventDescription(b: Briefing, locale: Locale, url: string): string {
  const outcomes = b.outcomes.map((o, i) => {
    const lines = [`${i + 1}. ${o.headline}`];
    if (o.detail) lines.push(`   ${o.detail}`);
    for (const f of o.figures ?? []) lines.push(`   ${formatFigure(f, locale.tag)}`);
    return lines.join("\n");
  });
  const { m } = locale;
  return [b.title, b.summary, `${m.keyOutcomesLead}\n${outcomes.join("\n")}`, `${m.fullBriefing} ${url}`].join("\n\n");
}

function eventLines(b: Briefing, event: BriefingEvent, locale: Locale, base: string, uidDomain: string): string {
  const url = briefingUrl(`${base}${locale.prefix}`, b.slug);
  // Each language's calendar is its own: a client subscribed to both keeps the two events apart.
  const uid = locale.prefix ? `${b.slug}.${locale.code}@${uidDomain}` : `${b.slug}@${uidDomain}`;
  const changed = utcValue(b.updated ?? b.published);
  return [
    line("BEGIN", "VEVENT"),
    // Stable per briefing: built from the slug and the site's canonical host, never from the title or
    // the address it happens to be served from, so a client never sees one event twice.
    line("UID", textValue(uid)),
    line("DTSTAMP", changed),
    whenLines(event),
    line("SUMMARY", textValue(event.name)),
    event.place ? line("LOCATION", textValue(event.place)) : "",
    line("DESCRIPTION", textValue(eventDescription(b, locale, url))),
    line("URL", url),
    b.tags.length ? line("CATEGORIES", b.tags.map(textValue).join(",")) : "",
    line("CREATED", utcValue(b.published)),
    line("LAST-MODIFIED", changed),
    // A reader follows these events; they should not mark the reader's own time as busy.
    line("TRANSP", "TRANSPARENT"),
    line("END", "VEVENT"),
  ].join("");
}

/** When the event is over: the end of its last day, or its end (its start for a point in time). */
function endsAt(event: BriefingEvent): number {
  const last = Date.parse(event.end ?? event.start);
  return isTimed(event.start) ? last : last + DAY_MS;
}

/**
 * The events a calendar offers, in the order they are given room: first the upcoming ones, soonest
 * first, then the past ones, latest first. "Upcoming" is measured from the content's own present — the
 * newest publication among the briefings that name an event — rather than the clock, so the order (and
 * with it the bytes) only changes when one of those briefings does. Ties go by slug, for stable bytes.
 */
function calendarEvents(withEvents: Briefing[]): Briefing[] {
  const now = newestOf(withEvents.map((b) => b.published)).getTime();
  const start = (b: Briefing) => Date.parse((b.event as BriefingEvent).start);
  const bySlug = (a: Briefing, b: Briefing) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
  const upcoming = withEvents.filter((b) => endsAt(b.event as BriefingEvent) > now);
  const past = withEvents.filter((b) => endsAt(b.event as BriefingEvent) <= now);
  upcoming.sort((a, b) => start(a) - start(b) || bySlug(a, b));
  past.sort((a, b) => start(b) - start(a) || bySlug(a, b));
  return [...upcoming, ...past];
}

const octets = (text: string) => new TextEncoder().encode(text).length;

export function renderCalendar(content: Content, req: CalendarRequest): CalendarResult {
  const { site } = content;
  const { base: origin, tag } = req;
  const locale = localeOf(content);
  const { m } = locale;
  // The calendar's own links: its language's pages.
  const base = `${origin}${locale.prefix}`;
  let briefings = content.briefings;
  let name = m.calendarName(site.title);
  let description = `${m.calendarDescription} ${site.description}`;
  let prefix = "";
  if (tag !== undefined) {
    briefings = briefings.filter((b) => b.tags.includes(tag));
    if (briefings.length === 0) return { ok: false, status: 404, reason: `no briefings are tagged "${tag}"` };
    name = m.calendarTagName(site.title, tag);
    description = `${m.calendarTagDescription(tag)} ${site.description}`;
    prefix = `/tags/${tag}`;
  }
  const withEvents = briefings.filter((b) => b.event);
  const uidDomain = new URL(site.baseUrl).hostname;
  const poll = `PT${TTL_MINUTES}M`;
  const head = [
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
  ].join("");
  const tail = line("END", "VCALENDAR");
  // Events in order of preference until either bound is reached; the rest stay on the briefing pages.
  const held: string[] = [];
  let size = octets(head) + octets(tail);
  for (const b of calendarEvents(withEvents)) {
    if (held.length === CALENDAR_MAX_EVENTS) break;
    const lines = eventLines(b, b.event as BriefingEvent, locale, origin, uidDomain);
    size += octets(lines);
    if (size > CALENDAR_MAX_BYTES) break;
    held.push(lines);
  }
  const body = head + held.join("") + tail;
  // A known tag whose briefings name no event still gets a calendar, empty, so readers can subscribe
  // before the first event appears (the RFC 5545 grammar wants one component; clients accept none).
  // Last modified when any briefing that names an event last changed, held or not: each one decides
  // which events are held, so an edit that moves an event out of the calendar changes it too, and the
  // date must move forward, never back to the newest event left.
  const dated = withEvents.length ? withEvents : briefings;
  return {
    ok: true,
    body,
    lastModified: newestOf(dated.map((b) => b.updated ?? b.published)),
    events: held.length,
  };
}
