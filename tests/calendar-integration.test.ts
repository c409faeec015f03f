// The events calendar as the Worker serves it (workerd): media type, validators, 304s, HEAD, gzip, 404,
// and the links to it on the pages.
import { exports } from "cloudflare:workers";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { briefingFile, compile, SEED_FILE, SEED_SLUG } from "./support/fixtures.ts";
import { select } from "./support/html.ts";
import { calendarProblems } from "./support/ical-rules.ts";

const SITE = "http://localhost:8787";
const get = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${SITE}${path}`, init));

describe("/events.ics and /tags/:tag/events.ics", () => {
  it.each(["/events.ics", "/tags/ukraine/events.ics"])(
    "%s: media type, caching headers, a valid calendar",
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
      expect(res.headers.get("Cache-Control")).toBe("public, max-age=900");
      expect(res.headers.get("ETag")).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
      expect(res.headers.get("Last-Modified")).toBe("Wed, 16 Oct 2024 12:00:00 GMT");
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(calendarProblems(bytes)).toEqual([]);
      const calendar = new ICAL.Component(ICAL.parse(new TextDecoder().decode(bytes)));
      const [event, ...rest] = calendar.getAllSubcomponents("vevent");
      expect(rest).toEqual([]);
      // Links point at the address the calendar was fetched from.
      expect(event?.getFirstPropertyValue("url")).toBe(`${SITE}/briefings/${SEED_SLUG}`);
    },
  );

  it("gives each calendar its own ETag, the same on every request", async () => {
    const [a, b, tag] = await Promise.all([get("/events.ics"), get("/events.ics"), get("/tags/nato/events.ics")]);
    expect(a.headers.get("ETag")).toBe(b.headers.get("ETag"));
    expect(await a.text()).toBe(await b.text());
    expect(tag.headers.get("ETag")).not.toBe(a.headers.get("ETag"));
  });

  it("answers If-None-Match and If-Modified-Since with 304 and no body", async () => {
    const first = await get("/events.ics");
    const etag = first.headers.get("ETag") as string;
    const again = await get("/events.ics", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("ETag")).toBe(etag);
    expect(again.headers.get("Cache-Control")).toBe("public, max-age=900");
    const stale = await get("/events.ics", { headers: { "If-None-Match": '"something-else"' } });
    expect(stale.status).toBe(200);
    const since = await get("/events.ics", { headers: { "If-Modified-Since": "Wed, 16 Oct 2024 12:00:00 GMT" } });
    expect(since.status).toBe(304);
    const older = await get("/events.ics", { headers: { "If-Modified-Since": "Tue, 15 Oct 2024 12:00:00 GMT" } });
    expect(older.status).toBe(200);
  });

  it("answers HEAD with the GET headers and no body", async () => {
    const head = await get("/events.ics", { method: "HEAD" });
    const full = await get("/events.ics");
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    for (const h of ["Content-Type", "ETag", "Last-Modified", "Cache-Control"]) {
      expect(head.headers.get(h)).toBe(full.headers.get(h));
    }
  });

  it("sends gzip to clients that accept it: same bytes once decompressed, its own ETag", async () => {
    // In-process, so the compressed bytes are seen as sent (workerd's fetch would decode them).
    const app = createApp(compile(SEED_FILE));
    const env = { SITE_URL: SITE } as Env;
    const plain = await app.request("/events.ics", {}, env);
    const zipped = await app.request("/events.ics", { headers: { "Accept-Encoding": "gzip, deflate, br" } }, env);
    expect(zipped.headers.get("Content-Encoding")).toBe("gzip");
    expect(zipped.headers.get("Vary")).toBe("Accept-Encoding");
    expect(plain.headers.get("Content-Encoding")).toBeNull();
    const stream = new Blob([await zipped.arrayBuffer()]).stream().pipeThrough(new DecompressionStream("gzip"));
    expect(await new Response(stream).text()).toBe(await plain.text());
    const zipTag = zipped.headers.get("ETag") as string;
    expect(zipTag).not.toBe(plain.headers.get("ETag"));
    const again = await app.request(
      "/events.ics",
      { headers: { "Accept-Encoding": "gzip", "If-None-Match": zipTag } },
      env,
    );
    expect(again.status).toBe(304);
  });

  it("404s an unknown tag, 405s other methods", async () => {
    const unknown = await get("/tags/no-such-tag/events.ics");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(await unknown.text()).toContain("no briefings are tagged");
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
    const app = createApp(
      compile(
        SEED_FILE,
        briefingFile("no-event", {
          title: "No event",
          published: "2025-03-01T08:00:00Z",
          summary: "Nothing scheduled.",
          outcomes: [{ id: "one", headline: "Quiet" }],
        }),
      ),
    );
    const env = { SITE_URL: "https://briefs.example.net" } as Env;
    const html = await (await app.request("/briefings/no-event", {}, env)).text();
    expect(await calendarHrefs(html)).toEqual([]);
    const home = await (await app.request("/", {}, env)).text();
    expect(await calendarHrefs(home)).toEqual([
      "webcal://briefs.example.net/events.ics",
      "https://briefs.example.net/events.ics",
    ]);
  });

  it("a briefing page shows a timed event's hours, in UTC, beside the calendar links", async () => {
    const app = createApp(
      compile(
        briefingFile("timed", {
          title: "Press conference",
          published: "2025-03-01T08:00:00Z",
          summary: "At set hours.",
          event: { name: "Press conference", start: "2025-03-04T09:30:00+01:00", end: "2025-03-04T11:00:00+01:00" },
          outcomes: [{ id: "one", headline: "Announced" }],
        }),
      ),
    );
    const html = await (await app.request("/briefings/timed", {}, { SITE_URL: SITE } as Env)).text();
    const meta = (await select(html, "p.meta")).map((p) => p.text);
    expect(meta).toContain("Press conference, 4 March 2025, 08:30–10:00 UTC");
    expect(await calendarHrefs(html)).toEqual(["webcal://localhost:8787/events.ics", `${SITE}/events.ics`]);
  });
});
