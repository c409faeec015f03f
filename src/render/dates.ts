// Date formats the outputs need, always from the model's dates (never "now", so bodies stay stable).
import { isTimed } from "../content/event-time.ts";

/** RFC 3339 in UTC without milliseconds, e.g. 2024-10-16T12:00:00Z (Atom, JSON Feed). */
export function rfc3339(date: string | Date): string {
  return new Date(date).toISOString().replace(/\.000Z$/, "Z");
}

/** RFC 822/2822 as RSS 2.0 and HTTP want it, e.g. Wed, 16 Oct 2024 12:00:00 GMT. */
export function rfc822(date: string | Date): string {
  return new Date(date).toUTCString();
}

/** The latest of some RFC 3339 dates (the epoch for none): a document's Last-Modified. */
export function newestOf(dates: string[]): Date {
  let max = 0;
  for (const d of dates) max = Math.max(max, Date.parse(d));
  return new Date(max);
}

// One formatter per language: creating an Intl formatter costs far more than using one, and the
// build formats dates in every one of thousands of documents.
const longDates = new Map<string, Intl.DateTimeFormat>();
function longDate(language: string): Intl.DateTimeFormat {
  let fmt = longDates.get(language);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(language, { dateStyle: "long", timeZone: "UTC" });
    longDates.set(language, fmt);
  }
  return fmt;
}
const longDateTimes = new Map<string, Intl.DateTimeFormat>();
function longDateTime(language: string): Intl.DateTimeFormat {
  let fmt = longDateTimes.get(language);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(language, { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });
    longDateTimes.set(language, fmt);
  }
  return fmt;
}

/** "16 October 2024" for people. */
export function humanDate(date: string | Date, language: string): string {
  return longDate(language).format(new Date(date));
}

/** "17–18 October 2024" for an event's days; "17 October 2024, 09:00–11:00 UTC" for one with hours. */
export function humanDays(start: string, end: string | undefined, language: string): string {
  const timed = isTimed(start);
  const fmt = timed ? longDateTime(language) : longDate(language);
  const text = !end || end === start ? fmt.format(new Date(start)) : fmt.formatRange(new Date(start), new Date(end));
  return timed ? `${text} UTC` : closeNumberRange(text);
}

/**
 * ICU spaces the dash of every range ("17 – 18 October 2024"); between two days of one month it is
 * written closed, as the summaries write it ("17–18 October 2024"). A range across months keeps its spaces.
 */
function closeNumberRange(text: string): string {
  return text.replace(/(\d)[\s\u2009\u202f]+–[\s\u2009\u202f]+(\d)/g, "$1–$2");
}
