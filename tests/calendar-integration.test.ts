// The events calendar as the build renders it (the documents app, in workerd): media type, caching
// headers, CORS, one calendar per tag, 404, and the links to it on the pages. How the asset layer
// serves the built files (ETag, 304, HEAD, gzip) is checked against wrangler dev in
// tests/static-documents.node.test.ts.
import { exports } from "cloudflare:workers";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { createDocumentApp } from "../src/documents/app.ts";
import { lastModifiedBySeries } from "../src/documents/last-modified.ts";
import { CALENDAR_MAX_EVENTS } from "../src/feeds/ical.ts";
import { withEvent } from "./support/calendar-fixtures.ts";
import { briefingFile, compile, SEED_FILE, SEED_SLUG } from "./support/fixtures.ts";
import { select } from "./support/html.ts";
import { calendarProblems } from "./support/ical-rules.ts";

const SITE = "http://localhost:8787";
const documents = createDocumentApp(compile(SEED_FILE), { base: SITE });
/** A built document when there is one, else what the Worker answers (as the asset layer routes it). */
async function get(path: string, init?: RequestInit) {
  const doc = await documents.request(path, init);
  return doc.status === 404 ? exports.default.fetch(new Request(`${SITE}${path}`, init)) : doc;
}

describe("/events.ics and /tags/:tag/events.ics", () => {
  it.each(["/events.ics", "/tags/ukraine/events.ics"])(
    "%s: media type, caching headers, a valid calendar",
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
      expect(res.headers.get("Cache-Control")).toBe("public, max-age=900");
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(calendarProblems(bytes)).toEqual([]);
      const calendar = new ICAL.Component(ICAL.parse(new TextDecoder().decode(bytes)));
      const [event, ...rest] = calendar.getAllSubcomponents("vevent");
      expect(rest).toEqual([]);
      // Links point at the origin the calendar was built for.
      expect(event?.getFirstPropertyValue("url")).toBe(`${SITE}/briefings/${SEED_SLUG}`);
    },
  );

  it("renders the same bytes every time, and each tag its own calendar", async () => {
    const [a, b, tag] = await Promise.all([get("/events.ics"), get("/events.ics"), get("/tags/nato/events.ics")]);
    const text = await a.text();
    expect(await b.text()).toBe(text);
    expect(await tag.text()).not.toBe(text);
  });

  it("is built for every tag in use, and for no other path", async () => {
    const { toSSG } = await import("hono/ssg");
    const written: string[] = [];
    const fs = {
      mkdir: async () => undefined,
      writeFile: async (path: string) => void written.push(path),
    };
    const result = await toSSG(documents, fs, { dir: "out" });
    expect(result.success).toBe(true);
    // hono/ssg names a path once per route that matched it (here the ssgParams one too).
    const calendars = [...new Set(written.filter((p) => p.endsWith("events.ics")))].sort();
    const tags = compile(SEED_FILE).briefings[0]!.tags.flatMap((t) => [
      `out/tags/${t}/events.ics`,
      `out/fr/tags/${t}/events.ics`,
    ]);
    expect(calendars).toEqual(["out/events.ics", "out/fr/events.ics", ...tags].sort());
  });

  it("404s an unknown tag, 405s other methods", async () => {
    const unknown = await get("/tags/no-such-tag/events.ics");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const post = await get("/events.ics", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("Allow")).toBe("GET, HEAD");
  });
});

describe("links to the calendar", () => {
  async function calendarHrefs(html: string) {
    return (await select(html, "a")).map((a) => a.attrs.href).filter((h) => h?.endsWith("events.ics"));
  }

  it.each([
    ["/", "/events.ics"],
    [`/briefings/${SEED_SLUG}`, "/events.ics"],
    ["/tags/ukraine", "/tags/ukraine/events.ics"],
  ])("%s links %s to subscribe (webcal:) and as a file (http)", async (page, calendar) => {
    const html = await (await get(page)).text();
    expect(await calendarHrefs(html)).toEqual([`webcal://localhost:8787${calendar}`, `${SITE}${calendar}`]);
    expect((await get(calendar)).status).toBe(200);
  });

  it("a briefing without an event has no calendar link of its own", async () => {
    const app = createDocumentApp(
      compile(
        SEED_FILE,
        briefingFile("no-event", {
          title: "No event",
          published: "2025-03-01T08:00:00Z",
          summary: "Nothing scheduled.",
          outcomes: [{ id: "one", headline: "Quiet" }],
        }),
      ),
      { base: "https://briefs.example.net" },
    );
    const html = await (await app.request("/briefings/no-event")).text();
    expect(await calendarHrefs(html)).toEqual([]);
    const home = await (await app.request("/")).text();
    expect(await calendarHrefs(home)).toEqual([
      "webcal://briefs.example.net/events.ics",
      "https://briefs.example.net/events.ics",
    ]);
  });

  it("a briefing page shows a timed event's hours, in UTC, beside the calendar links", async () => {
    const app = createDocumentApp(
      compile(
        briefingFile("timed", {
          title: "Press conference",
          published: "2025-03-01T08:00:00Z",
          summary: "At set hours.",
          event: { name: "Press conference", start: "2025-03-04T09:30:00+01:00", end: "2025-03-04T11:00:00+01:00" },
          outcomes: [{ id: "one", headline: "Announced" }],
        }),
      ),
      { base: SITE },
    );
    const html = await (await app.request("/briefings/timed")).text();
    const meta = (await select(html, "p.meta")).map((p) => p.text);
    expect(meta).toContain("Press conference, 4 March 2025, 08:30–10:00 UTC");
    expect(await calendarHrefs(html)).toEqual(["webcal://localhost:8787/events.ics", `${SITE}/events.ics`]);
  });
});

describe("a large archive's calendar", () => {
  // 250 past events, one a day, each briefing published the day before; the oldest was updated last.
  const day = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString();
  const files = Array.from({ length: 250 }, (_, i) =>
    withEvent(
      `e-${String(i).padStart(3, "0")}`,
      { name: `Event ${i}`, start: day(i).slice(0, 10) },
      { published: day(i - 1), ...(i === 0 ? { updated: day(400) } : {}) },
    ),
  );
  const app = createDocumentApp(compile(...files), { base: SITE });

  it(`serves the ${CALENDAR_MAX_EVENTS} latest events, all and per tag, last modified by the newest change`, async () => {
    for (const path of ["/events.ics", "/tags/talks/events.ics"]) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(calendarProblems(body)).toEqual([]);
      const uids = new ICAL.Component(ICAL.parse(body))
        .getAllSubcomponents("vevent")
        .map((e) => String(e.getFirstPropertyValue("uid")).split("@")[0]);
      expect(uids).toHaveLength(CALENDAR_MAX_EVENTS);
      expect(uids).toContain("e-249");
      expect(uids).not.toContain("e-000");
      // The oldest event is left out, but its briefing's update is the calendar's newest change, which
      // the build records for the Worker as the route answered it.
      const lastModified = res.headers.get("Last-Modified");
      expect(lastModified).toBe(new Date(day(400)).toUTCString());
      expect(lastModifiedBySeries(new Map([[path, res.headers]]))).toEqual({ [path]: lastModified });
    }
  });
});
