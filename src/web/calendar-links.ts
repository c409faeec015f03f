// Links to the events calendar. Two of each: `webcal:` opens the visitor's calendar app and subscribes
// it (the app then polls for new events); the https link is the same file, for "add by URL" forms
// (Google Calendar, Outlook on the web) and for downloading once.
import { html } from "hono/html";
import { CALENDAR_FILE } from "../feeds/ical.ts";
import { en, type Messages } from "../i18n/messages.ts";

/** The calendar at `prefix` ("" for all events, "/tags/x" for a tag), as https (or http) and webcal. */
export function calendarUrls(base: string, prefix: string) {
  const https = `${base}${prefix}/${CALENDAR_FILE}`;
  return { https, webcal: https.replace(/^https?:/, "webcal:") };
}

export function calendarLinks(base: string, prefix: string, lead: string, m: Messages = en) {
  const urls = calendarUrls(base, prefix);
  return html`<p class="meta calendar">${lead} <a href="${urls.webcal}">${m.subscribeInCalendar}</a> · <a href="${urls.https}" type="text/calendar">${m.calendarFile}</a></p>`;
}
