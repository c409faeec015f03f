// The events calendar, parsed back with a real iCalendar parser (ical.js, as Thunderbird uses it) and
// checked against RFC 5545 on the raw bytes.

import ICAL from "ical.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ContentError } from "../src/content/compile.ts";
import { CALENDAR_MAX_BYTES, CALENDAR_MAX_EVENTS, renderCalendar } from "../src/feeds/ical.ts";
import { fold, textValue } from "../src/feeds/ical-lines.ts";
import { humanDays } from "../src/render/dates.ts";
import { HOSTILE_EVENT, HOSTILE_EVENT_FILE, withEvent } from "./support/calendar-fixtures.ts";
import { briefingFile, compile, HOSTILE_FILE, HOSTILE_TITLE, SEED_FILE, SEED_SLUG } from "./support/fixtures.ts";
import { calendarProblems } from "./support/ical-rules.ts";

const BASE = "https://briefs.example.net";

function render(...args: Parameters<typeof renderCalendar>): string {
  const result = renderCalendar(...args);
  if (!result.ok) throw new Error(result.reason);
  return result.body;
}

function events(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return { calendar, events: calendar.getAllSubcomponents("vevent") };
}

const text = (c: ICAL.Component, name: string) => c.getFirstPropertyValue(name) as string;
const time = (c: ICAL.Component, name: string) => c.getFirstPropertyValue(name) as ICAL.Time;

describe("the seed's event", () => {
  const body = render(compile(SEED_FILE), { base: BASE });
  const { calendar, events: all } = events(body);
  const event = all[0] as ICAL.Component;

  it("follows RFC 5545 to the octet", () => {
    expect(calendarProblems(body)).toEqual([]);
  });

  it("is one all-day event over both meeting days, DTEND the day after the last", () => {
    expect(all).toHaveLength(1);
    expect(time(event, "dtstart").isDate).toBe(true);
    expect(time(event, "dtstart").toString()).toBe("2024-10-17");
    expect(time(event, "dtend").toString()).toBe("2024-10-19");
    expect(body).toContain("DTSTART;VALUE=DATE:20241017\r\n");
    expect(body).toContain("DTEND;VALUE=DATE:20241019\r\n");
  });

  it("carries what a calendar shows: name, place, link, the key outcomes, tags", () => {
    const seed = compile(SEED_FILE).briefings[0]!;
    expect(text(event, "summary")).toBe("Meeting of NATO Ministers of Defence");
    expect(text(event, "location")).toBe("NATO Headquarters, Brussels");
    expect(text(event, "url")).toBe(`${BASE}/briefings/${SEED_SLUG}`);
    const description = text(event, "description");
    expect(description.startsWith(`${seed.title}\n\n${seed.summary}\n\nKey outcomes:\n1. `)).toBe(true);
    let from = 0;
    seed.outcomes.forEach((o, i) => {
      const at = description.indexOf(`${i + 1}. ${o.headline}`, from);
      expect(at, o.id).toBeGreaterThan(from);
      from = at;
    });
    expect(description).toContain("€20.9");
    expect(description.endsWith(`Full briefing: ${BASE}/briefings/${SEED_SLUG}`)).toBe(true);
    expect(event.getFirstProperty("categories")?.getValues()).toEqual(seed.tags);
  });

  it("dates the event from the content: DTSTAMP, CREATED and LAST-MODIFIED", () => {
    expect(time(event, "dtstamp").toString()).toBe("2024-10-16T12:00:00Z");
    expect(time(event, "created").toString()).toBe("2024-10-16T12:00:00Z");
    expect(time(event, "last-modified").toString()).toBe("2024-10-16T12:00:00Z");
  });

  it("names the calendar and keeps the UID to the slug and the site's canonical host", () => {
    expect(text(calendar, "version")).toBe("2.0");
    expect(text(calendar, "prodid")).toBe("-//briefwire//events//EN");
    expect(text(calendar, "calscale")).toBe("GREGORIAN");
    expect(text(calendar, "x-wr-calname")).toBe("briefwire: events");
    expect(text(event, "uid")).toBe(`${SEED_SLUG}@briefwire.example.org`);
    // Served from another address, the same event keeps its UID.
    const elsewhere = events(render(compile(SEED_FILE), { base: "http://localhost:8787" })).events[0]!;
    expect(text(elsewhere, "uid")).toBe(`${SEED_SLUG}@briefwire.example.org`);
  });
});

describe("stable bytes", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("renders the same bytes, DTSTAMP included, whatever the clock says", () => {
    const content = compile(SEED_FILE, HOSTILE_FILE);
    vi.useFakeTimers({ now: new Date("2031-01-01T00:00:00Z") });
    const first = render(content, { base: BASE });
    vi.setSystemTime(new Date("2033-06-15T17:45:12Z"));
    const second = render(content, { base: BASE });
    expect(second).toBe(first);
    expect(first).not.toMatch(/2031|2033/);
  });

  it("are the bytes reviewed last time, for the seed (snapshot, line by line)", () => {
    expect(render(compile(SEED_FILE), { base: BASE }).split("\r\n")).toMatchSnapshot();
  });

  it("keeps the UID when the title and the event change", () => {
    const before = render(compile(withEvent("stable", { name: "Summit", start: "2025-02-03" })), { base: BASE });
    const after = render(
      compile(withEvent("stable", { name: "Summit, renamed", start: "2025-02-04" }, { title: "New title" })),
      { base: BASE },
    );
    expect(text(events(after).events[0]!, "uid")).toBe(text(events(before).events[0]!, "uid"));
  });
});

describe("dates", () => {
  it("writes a one-day event as that day, DTEND the next day", () => {
    const body = render(compile(withEvent("one-day", { name: "Talks", start: "2025-02-28" })), { base: BASE });
    const event = events(body).events[0]!;
    expect(time(event, "dtstart").toString()).toBe("2025-02-28");
    expect(time(event, "dtend").toString()).toBe("2025-03-01");
    expect(calendarProblems(body)).toEqual([]);
  });

  it("crosses month and year ends, and 29 February", () => {
    const content = compile(
      withEvent("new-year", { name: "New year", start: "2024-12-30", end: "2024-12-31" }),
      withEvent("leap", { name: "Leap", start: "2024-02-29", end: "2024-02-29" }),
    );
    const byUid = Object.fromEntries(
      events(render(content, { base: BASE })).events.map((e) => [text(e, "uid").split("@")[0], e]),
    );
    expect(time(byUid["new-year"]!, "dtend").toString()).toBe("2025-01-01");
    expect(time(byUid.leap!, "dtstart").toString()).toBe("2024-02-29");
    expect(time(byUid.leap!, "dtend").toString()).toBe("2024-03-01");
  });

  it("writes an event with hours as the same instants, in UTC", () => {
    const content = compile(
      withEvent("timed", {
        name: "Press conference",
        start: "2025-03-04T09:30:00+01:00",
        end: "2025-03-04T11:00:00+01:00",
      }),
    );
    const body = render(content, { base: BASE });
    const event = events(body).events[0]!;
    expect(time(event, "dtstart").isDate).toBe(false);
    expect(time(event, "dtstart").toJSDate().toISOString()).toBe("2025-03-04T08:30:00.000Z");
    expect(time(event, "dtend").toJSDate().toISOString()).toBe("2025-03-04T10:00:00.000Z");
    expect(body).toContain("DTSTART:20250304T083000Z\r\n");
    expect(calendarProblems(body)).toEqual([]);
  });

  it("refuses, at build time, an end of another kind than the start", () => {
    const mixed = withEvent("mixed", { name: "X", start: "2025-03-04T09:30:00+01:00", end: "2025-03-05" });
    expect(() => compile(mixed)).toThrow(ContentError);
    try {
      compile(mixed);
    } catch (e) {
      expect((e as ContentError).problems).toEqual([
        "data/briefings/mixed.md:10: end must be a date when start is a date, a date-time when start is a date-time",
      ]);
    }
  });
});

describe("hostile text", () => {
  const content = compile(HOSTILE_EVENT_FILE, HOSTILE_FILE);
  const body = render(content, { base: BASE });
  const parsed = events(body).events;
  const byUid = Object.fromEntries(parsed.map((e) => [text(e, "uid").split("@")[0], e]));

  it("still follows RFC 5545 to the octet: 75-octet lines, whole UTF-8 characters, CRLF", () => {
    expect(calendarProblems(body)).toEqual([]);
    // The long words really were folded, some of them mid-word between multi-octet characters.
    expect(body.split("\r\n").filter((l) => l.startsWith(" ")).length).toBeGreaterThan(10);
  });

  it("reads back exactly: summary, location, outcomes in the description", () => {
    const event = byUid["hostile-event"]!;
    const { name, place, headline, detail, figureText, title } = HOSTILE_EVENT;
    expect(text(event, "summary")).toBe(name);
    expect(text(event, "location")).toBe(place);
    const description = text(event, "description");
    expect(description).toContain(`1. ${headline}\n   ${detail}\n   ${figureText}`);
    expect(description.startsWith(`${title}\n\n`)).toBe(true);
  });

  it("drops only what iCalendar cannot carry (control characters), and keeps the rest of the text", () => {
    const event = byUid.hostile!;
    expect(text(event, "summary")).toBe("Talks <in> ]]> Geneva & Bern");
    const description = text(event, "description");
    expect(description.startsWith(`${HOSTILE_TITLE.replace("\u000B", "")}\n\n`)).toBe(true);
    expect(description).toContain("2. שלום עולם — right-to-left");
    expect(body).not.toContain("\u000B");
  });
});

describe("tags", () => {
  const content = compile(
    SEED_FILE,
    withEvent("talks-only", { name: "Talks", start: "2025-02-03" }),
    briefingFile("no-event", {
      title: "No event",
      published: "2025-03-01T08:00:00Z",
      summary: "Nothing scheduled.",
      tags: ["quiet"],
      outcomes: [{ id: "one", headline: "Quiet" }],
    }),
  );

  it("a tag's calendar has only that tag's events, and says so in its name", () => {
    const body = render(content, { base: BASE, tag: "talks" });
    const { calendar, events: tagged } = events(body);
    expect(tagged.map((e) => text(e, "summary"))).toEqual(["Talks"]);
    expect(text(calendar, "x-wr-calname")).toBe("briefwire: talks events");
    expect(calendarProblems(body)).toEqual([]);
    const all = events(render(content, { base: BASE })).events;
    expect(all.map((e) => text(e, "summary")).sort()).toEqual(["Meeting of NATO Ministers of Defence", "Talks"]);
  });

  it("a known tag without events gets an empty calendar; an unknown tag gets none", () => {
    const quiet = renderCalendar(content, { base: BASE, tag: "quiet" });
    expect(quiet.ok && quiet.events).toBe(0);
    expect(quiet.ok && events(quiet.body).events).toEqual([]);
    expect(renderCalendar(content, { base: BASE, tag: "nope" })).toEqual({
      ok: false,
      status: 404,
      reason: 'no briefings are tagged "nope"',
    });
  });

  it("is last modified when its newest event was", () => {
    const all = renderCalendar(content, { base: BASE });
    expect(all.ok && all.lastModified.toISOString()).toBe("2025-02-01T08:00:00.000Z");
  });
});

describe("the RFC 5545 checker itself", () => {
  const good = render(compile(SEED_FILE), { base: BASE });

  it("finds nothing wrong with a correct calendar, and each broken rule in a broken one", () => {
    expect(calendarProblems(new TextEncoder().encode(good))).toEqual([]);
    expect(calendarProblems(good.replace(/\r\n$/, ""))).toEqual(["§3.1: the last line does not end with CRLF"]);
    expect(calendarProblems(good.replace("\r\nVERSION", "\nVERSION"))).toContain("§3.1: a line break that is not CRLF");
    expect(calendarProblems(good.replace("UID:", `UID:${"u".repeat(80)}`))[0]).toMatch(
      /^§3\.1: line \d+ is 1\d\d octets$/,
    );
    expect(calendarProblems(good.replace("DTSTAMP:20241016T120000Z", "DTSTAMP:20241016T120000"))).toEqual([
      "§3.8.7.2: DTSTAMP 20241016T120000 is not in UTC",
    ]);
    expect(calendarProblems(good.replace(/UID:[^\r]*\r\n/, ""))).toContain("VEVENT has 0 UID (needs exactly 1)");
    expect(calendarProblems(good.replace("DTEND;VALUE=DATE:20241019", "DTEND;VALUE=DATE:20241017"))).toEqual([
      `§3.8.2.2: ${SEED_SLUG}@briefwire.example.org: DTEND is not after DTSTART`,
    ]);
    expect(calendarProblems(good.replace("SUMMARY:", "SUMMARY:\u000B"))[0]).toMatch(/^§3\.3\.11: a control character/);
  });

  it("catches a fold that cuts a character, in octets and in a string", () => {
    const rocket = new TextEncoder().encode("🚀");
    const bytes = new TextEncoder().encode(good.replace("SUMMARY:", "SUMMARY:🚀"));
    const at = bytes.indexOf(rocket[0]!);
    const cut = new Uint8Array([...bytes.subarray(0, at + 2), 13, 10, 32, ...bytes.subarray(at + 2)]);
    expect(calendarProblems(cut)).toEqual(expect.arrayContaining([expect.stringMatching(/splits a UTF-8 character/)]));
    const halves = good.replace("SUMMARY:", "SUMMARY:\uD83D\r\n \uDE80");
    expect(calendarProblems(halves)[0]).toBe("§3.1: a character cut in two (lone surrogate)");
  });
});

describe("content lines", () => {
  const octets = (line: string) => new TextEncoder().encode(line).length;
  const unfold = (folded: string) => folded.replace(/\r\n /g, "");

  it("folds after 75 octets, continuation lines after a space and 74 more", () => {
    expect(fold("X".repeat(75))).toBe("X".repeat(75));
    expect(fold("X".repeat(76))).toBe(`${"X".repeat(75)}\r\n X`);
    expect(fold("X".repeat(75 + 74 + 1))).toBe(`${"X".repeat(75)}\r\n ${"X".repeat(74)}\r\n X`);
  });

  it.each([
    ["2-octet", "é"],
    ["3-octet", "€"],
    ["4-octet (a surrogate pair in JavaScript)", "🚀"],
    ["mixed with a ZWJ emoji and Arabic", "a👩🏽‍💻عé€"],
  ])("never cuts a %s character, and each line is as full as it can be", (_, unit) => {
    for (let pad = 0; pad < 4; pad++) {
      const line = `SUMMARY:${"x".repeat(pad)}${unit.repeat(60)}`;
      const folded = fold(line);
      expect(unfold(folded)).toBe(line);
      const lines = folded.split("\r\n");
      for (const l of lines) {
        expect(octets(l)).toBeLessThanOrEqual(75);
        expect(/\p{Cs}/u.test(l)).toBe(false);
      }
      // No line was cut early: the next character would not have fit.
      lines.slice(0, -1).forEach((l, i) => {
        const next = String.fromCodePoint(lines[i + 1]!.slice(1).codePointAt(0)!);
        expect(octets(l) + octets(next)).toBeGreaterThan(75);
      });
    }
  });

  it("escapes TEXT: backslash first, then ; and , and every kind of line break", () => {
    expect(textValue("a\\b;c,d\ne\r\nf\rg")).toBe("a\\\\b\\;c\\,d\\ne\\nf\\ng");
    expect(textValue("tab\tstays, \u0000\u0007\u000B\u001F\u007F go")).toBe("tab\tstays\\,  go");
    expect(textValue("half \uD83D a rocket 🚀")).toBe("half  a rocket 🚀");
  });
});

describe("a calendar of any size", () => {
  // 300 past events, one a day through 2025 (each briefing published the day before its event), and
  // three upcoming ones announced by the newest briefing: more than a calendar holds.
  const DAY = 86_400_000;
  const day = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * DAY).toISOString();
  const past = Array.from({ length: 300 }, (_, i) =>
    withEvent(
      `past-${String(i).padStart(3, "0")}`,
      { name: `Meeting ${i}`, start: day(i).slice(0, 10) },
      { published: day(i - 1), tags: ["talks", i % 2 ? "odd" : "even"] },
    ),
  );
  const upcoming = ["2026-03-01", "2026-01-15T10:00:00Z", "2026-06-30"].map((start, i) =>
    withEvent(`upcoming-${i}`, { name: `Upcoming ${i}`, start }, { published: day(300) }),
  );
  const content = compile(...past, ...upcoming);
  const uids = (body: string) => events(body).events.map((e) => text(e, "uid").split("@")[0]!);

  it(`holds the ${CALENDAR_MAX_EVENTS} latest events: every upcoming one, the most recent past, not the oldest`, () => {
    const result = renderCalendar(content, { base: BASE });
    if (!result.ok) throw new Error(result.reason);
    const held = uids(result.body);
    expect(held).toHaveLength(CALENDAR_MAX_EVENTS);
    expect(result.events).toBe(CALENDAR_MAX_EVENTS);
    expect(held).toEqual(expect.arrayContaining(["upcoming-0", "upcoming-1", "upcoming-2", "past-299"]));
    // The past events kept are the latest ones, and nothing older than the oldest kept is there.
    const keptPast = CALENDAR_MAX_EVENTS - 3;
    const expected = Array.from({ length: keptPast }, (_, i) => `past-${String(299 - i).padStart(3, "0")}`);
    expect(held.filter((u) => u.startsWith("past-")).sort()).toEqual(expected.sort());
    expect(held).not.toContain("past-000");
    expect(calendarProblems(result.body)).toEqual([]);
  });

  it("stays the same size however many briefings the archive holds", () => {
    const twice = compile(
      ...past,
      ...upcoming,
      ...Array.from({ length: 300 }, (_, i) =>
        withEvent(`older-${i}`, { name: `Older ${i}`, start: "2020-01-01" }, { published: "2019-12-01T00:00:00Z" }),
      ),
    );
    const a = render(content, { base: BASE });
    const b = render(twice, { base: BASE });
    expect(b).toBe(a);
    expect(new TextEncoder().encode(a).length).toBeLessThan(CALENDAR_MAX_BYTES);
  });

  it("a tag's calendar follows the same rule", () => {
    const odd = uids(render(content, { base: BASE, tag: "odd" }));
    // 150 odd past events, none upcoming: the latest CALENDAR_MAX_EVENTS of them, or all.
    expect(odd).toHaveLength(Math.min(150, CALENDAR_MAX_EVENTS));
    expect(odd).toContain("past-299");
    const talks = uids(render(content, { base: BASE, tag: "talks" }));
    expect(talks).toHaveLength(CALENDAR_MAX_EVENTS);
    expect(talks).not.toContain("past-000");
  });

  it("keeps every upcoming event first, soonest first, when they alone are more than it holds", () => {
    const many = Array.from({ length: CALENDAR_MAX_EVENTS + 20 }, (_, i) =>
      withEvent(
        `future-${String(i).padStart(3, "0")}`,
        { name: `Future ${i}`, start: day(400 + i).slice(0, 10) },
        { published: day(350) },
      ),
    );
    const held = uids(render(compile(...past, ...many), { base: BASE }));
    expect(held).toHaveLength(CALENDAR_MAX_EVENTS);
    expect(held).toContain("future-000");
    expect(held).not.toContain(`future-${CALENDAR_MAX_EVENTS + 19}`);
    expect(held.some((u) => u.startsWith("past-"))).toBe(false);
  });

  it(`stops before ${CALENDAR_MAX_BYTES} bytes when the events are long, still the latest ones`, () => {
    const long = "A long outcome, in detail. ".repeat(400); // about 11 KB per event
    const files = Array.from({ length: 150 }, (_, i) =>
      withEvent(
        `long-${String(i).padStart(3, "0")}`,
        { name: `Long ${i}`, start: day(i).slice(0, 10) },
        { published: day(200), outcomes: [{ id: "one", headline: "Long", detail: long }] },
      ),
    );
    const result = renderCalendar(compile(...files), { base: BASE });
    if (!result.ok) throw new Error(result.reason);
    const size = new TextEncoder().encode(result.body).length;
    expect(size).toBeLessThanOrEqual(CALENDAR_MAX_BYTES);
    expect(size).toBeGreaterThan(CALENDAR_MAX_BYTES - 20_000);
    const held = uids(result.body);
    expect(held.length).toBe(result.events);
    expect(held.length).toBeLessThan(150);
    expect(held).toContain("long-149");
    expect(held).not.toContain("long-000");
    expect(calendarProblems(result.body)).toEqual([]);
  });

  it("is last modified by an event that left it: an edit that moves an event out is still a change", () => {
    const before = renderCalendar(content, { base: BASE });
    // The newest briefing's event is moved far back (and the briefing marked updated): it drops out.
    const moved = compile(
      ...past,
      ...upcoming.slice(1),
      withEvent(
        "upcoming-0",
        { name: "Upcoming 0", start: "2019-01-01" },
        { published: day(300), updated: "2026-01-02T00:00:00Z" },
      ),
    );
    const after = renderCalendar(moved, { base: BASE });
    if (!before.ok || !after.ok) throw new Error("no calendar");
    expect(uids(after.body)).not.toContain("upcoming-0");
    expect(after.body).not.toBe(before.body);
    expect(after.lastModified.getTime()).toBeGreaterThan(before.lastModified.getTime());
    expect(after.lastModified.toISOString()).toBe("2026-01-02T00:00:00.000Z");
  });
});

describe("the event line's dates", () => {
  it("writes a range of days within one month as the summary does: 17–18 October, no spaces", () => {
    expect(humanDays("2024-10-17", "2024-10-18", "en-GB")).toBe("17–18 October 2024");
    expect(humanDays("2024-10-30", "2024-11-02", "en-GB")).toMatch(/^30 October\s–\s2 November 2024$/);
    expect(humanDays("2024-10-17", undefined, "en-GB")).toBe("17 October 2024");
  });
});
