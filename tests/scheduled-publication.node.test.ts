// Scheduled publication, as readers and the publisher meet it on `wrangler dev` with the real asset
// layer and the real clock. One build holds two briefings dated after the build's moment
// (BRIEFWIRE_NOW): "switched-on", whose time has passed by the time the Worker serves it (so it must
// have appeared by itself, without a rebuild), and "embargoed", a month ahead (so it must be nowhere
// yet). Every surface is checked for both: pages, the briefing's own URL, every feed format and its
// outcome and tag variants, the sitemap, the calendars, the briefing index, the digest.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAssets, freePort, type LocalWorker, startLocalWorker } from "./support/local-worker.ts";

const root = join(import.meta.dirname, "..");
const ADMIN = { Authorization: "Bearer dev-admin-token" };
const HOUR = 3_600_000;
const started = Date.now();
/** What the build takes as "now": two hours ago, so "switched-on" (one hour ago) is scheduled in it. */
const BUILD_NOW = new Date(started - 2 * HOUR);
const SWITCHED_ON_AT = new Date(started - HOUR);
const EMBARGOED_UNTIL = new Date(started + 30 * 24 * HOUR);

function briefing(title: string, published: Date, tag: string, eventName: string): string {
  const day = published.toISOString().slice(0, 10);
  return `---
title: ${title}
published: ${published.toISOString()}
summary: Summary of ${title}.
tags: [ukraine, ${tag}]
event: { name: ${eventName}, start: ${day} }
outcomes:
  - id: ${tag}-outcome
    headline: Outcome of ${title}
---
Body of ${title}.
`;
}

/** Every document a reader or program can ask for that lists briefings (the tags are the seed's and both new ones). */
const SURFACES = [
  "/",
  "/feed.xml",
  "/atom.xml",
  "/feed.json",
  "/outcomes/feed.xml",
  "/outcomes/atom.xml",
  "/outcomes/feed.json",
  "/tags/ukraine",
  "/tags/ukraine/feed.xml",
  "/tags/ukraine/atom.xml",
  "/tags/ukraine/feed.json",
  "/sitemap.xml",
  "/events.ics",
  "/tags/ukraine/events.ics",
  "/index/recent.json",
];

describe("a briefing dated in the future (wrangler dev, real clock)", () => {
  let worker: LocalWorker;
  let data: string;
  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), "briefwire-scheduled-"));
    mkdirSync(join(data, "briefings"));
    execFileSync("cp", [join(root, "data", "site.yaml"), data]);
    execFileSync("cp", [
      join(root, "data", "briefings", "nato-defence-ministers-october-2024.md"),
      join(data, "briefings"),
    ]);
    writeFileSync(
      join(data, "briefings", "switched-on.md"),
      briefing("Switched on by itself", SWITCHED_ON_AT, "switch-topic", "Switch summit"),
    );
    writeFileSync(
      join(data, "briefings", "embargoed.md"),
      briefing("Embargoed release", EMBARGOED_UNTIL, "embargo-topic", "Embargo summit"),
    );
    const env = { BRIEFWIRE_DATA: data, BRIEFWIRE_NOW: BUILD_NOW.toISOString() };
    const port = await freePort();
    const assets = buildAssets(`http://localhost:${port}`, env);
    worker = await startLocalWorker({ port, assets, env });
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    if (worker) rmSync(worker.assets, { recursive: true, force: true });
    if (data) rmSync(data, { recursive: true, force: true });
  });

  const get = (path: string, init?: RequestInit) => fetch(`${worker.url}${path}`, init);

  it.each(SURFACES)("%s leaves out the embargoed briefing and shows the one whose time has come", async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).not.toContain("Embargoed release");
    expect(body).not.toContain("embargoed");
    // Every surface names it by its URL or slug (the sitemap lists URLs only).
    expect(body).toContain("switched-on");
  });

  it("answers 404 at the embargoed briefing's URL, its tag's page, feeds and calendar", async () => {
    for (const path of [
      "/briefings/embargoed",
      "/tags/embargo-topic",
      "/tags/embargo-topic/feed.xml",
      "/tags/embargo-topic/atom.xml",
      "/tags/embargo-topic/feed.json",
      "/tags/embargo-topic/events.ics",
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain("Embargoed release");
    }
  });

  it("serves the briefing whose time has passed at its URL and under its new tag", async () => {
    const page = await get("/briefings/switched-on");
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain("Body of Switched on by itself");
    for (const path of ["/tags/switch-topic", "/tags/switch-topic/feed.xml", "/tags/switch-topic/events.ics"]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain("Switched on by itself");
    }
  });

  it("moves the feeds' Last-Modified forward to the switch, with validators that answer 304", async () => {
    const res = await get("/feed.xml");
    expect(res.headers.get("Last-Modified")).toBe(SWITCHED_ON_AT.toUTCString());
    expect(res.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
    const etag = res.headers.get("ETag") ?? "";
    expect(etag).not.toBe("");
    const again = await get("/feed.xml", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    // A feed no scheduled briefing touches keeps its own date, read from the dates file in force.
    const untouched = await get("/tags/nato/feed.xml");
    expect(untouched.headers.get("Last-Modified")).toBe(new Date("2024-10-16T12:00:00Z").toUTCString());
    const home = await get("/");
    expect(home.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(home.headers.get("ETag")).toBeTruthy();
    expect((await get("/", { headers: { "If-None-Match": home.headers.get("ETag") ?? "" } })).status).toBe(304);
  });

  it("redirects the other spellings of a switching page to it, as the asset layer does for the rest", async () => {
    for (const [path, to] of [
      ["/tags/ukraine/", "/tags/ukraine"],
      ["/index.html", "/"],
      ["/briefings/switched-on.html", "/briefings/switched-on"],
    ] as const) {
      const res = await get(path, { redirect: "manual" });
      expect(res.status, path).toBe(307);
      expect(new URL(res.headers.get("Location") ?? "", worker.url).pathname, path).toBe(to);
    }
  });

  it("keeps the versions waiting for their time out of reach", async () => {
    const listed = await get("/sitemap.xml");
    const locs = [...(await listed.text()).matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1] as string);
    for (const loc of locs) expect((await fetch(loc)).status, loc).toBe(200);
    for (const path of ["/_scheduled/schedule.json", "/_scheduled/base/feed.xml", "/_scheduled/"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain("Embargoed release");
    }
  });

  it("mails the briefing whose time has come and not the embargoed one, whatever window is asked", async () => {
    const preview = await get("/admin/digest/preview?cadence=daily&format=text", { headers: ADMIN });
    expect(preview.status).toBe(200);
    const text = await preview.text();
    expect(text).toContain("Switched on by itself");
    expect(text).not.toContain("Embargoed release");
    const run = await get("/admin/digest/run", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "application/json" },
      // The widest window the API takes: from long ago to now (a later `to` is refused on its own).
      body: JSON.stringify({ cadence: "weekly", from: "2020-01-01T00:00:00Z", to: new Date().toISOString() }),
    });
    expect(run.status).toBe(200);
    // The seed and the briefing whose time has come; never the embargoed one.
    expect(((await run.json()) as { items: number }).items).toBe(2);
  });

  it("shows the publisher what is scheduled and when, in the console and the preview", async () => {
    const console = await get("/admin/briefings", { headers: ADMIN });
    expect(console.status).toBe(200);
    const html = await console.text();
    expect(html).toContain("Embargoed release");
    expect(html).toMatch(/scheduled/i);
    expect(html).toContain(EMBARGOED_UNTIL.toISOString().slice(0, 16).replace("T", " "));
    const preview = await get("/admin/editions/preview/daily", { headers: ADMIN });
    const page = await preview.text();
    expect(page).toContain("Embargoed release");
    expect(page).toMatch(/scheduled/i);
    const json = await get("/admin/digest/preview?cadence=weekly&format=json", { headers: ADMIN });
    expect(json.headers.get("X-Digest-Scheduled")).toBe("1");
    expect(((await json.json()) as { scheduled: unknown }).scheduled).toEqual([
      { slug: "embargoed", title: "Embargoed release", published: EMBARGOED_UNTIL.toISOString(), inEdition: false },
    ]);
  });
});
