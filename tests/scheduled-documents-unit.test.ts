// Scheduled publication at the switch, with a fixed clock: the Worker serves each document a scheduled
// briefing changes from the version in force (src/http/document-assets.ts over the build's schedule),
// and the digest's briefing index follows the same clock (src/content/load-index.ts). The same against
// wrangler dev and a real build: scheduled-publication.node.test.ts.
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadBriefingIndex } from "../src/content/load-index.ts";
import { familyRules } from "../src/documents/headers.ts";
import { assetPathAt, compileSchedule, type Schedule } from "../src/documents/schedule.ts";
import { serveDocument } from "../src/http/document-assets.ts";

const ORIGIN = "https://unit.example";
const T = Date.parse("2031-03-02T09:00:00Z");
const BEFORE = T - 1;
const V = "20310302T090000Z";
const RULES = [{ path: "/*", headers: { "X-Frame-Options": "DENY" } }, ...familyRules({ base: ORIGIN })];

const SCHEDULE: Schedule = {
  moments: [
    {
      at: new Date(T).toISOString(),
      version: V,
      paths: ["/", "/briefings/later", "/feed.xml", "/index/last-modified.json", "/index/recent.json"],
    },
  ],
  base: ["/", "/feed.xml", "/index/last-modified.json", "/index/recent.json"],
  rules: RULES,
};
const schedule = compileSchedule(SCHEDULE);

const index = (slugs: string[]) =>
  JSON.stringify({ site: {}, version: "v", completeFrom: null, briefings: slugs.map((slug) => ({ slug })) });

/** The asset layer as the build leaves it: what is served at each asset path (ETags as it makes them). */
const FILES: Record<string, { body: string; etag: string; type: string }> = {
  "/_scheduled/schedule.json": { body: JSON.stringify(SCHEDULE), etag: '"s"', type: "application/json" },
  "/_scheduled/base/": { body: "<p>home: earlier</p>", etag: '"home-base"', type: "text/html" },
  [`/_scheduled/${V}/`]: { body: "<p>home: earlier, later</p>", etag: '"home-later"', type: "text/html" },
  [`/_scheduled/${V}/briefings/later`]: { body: "<h1>later</h1>", etag: '"later"', type: "text/html" },
  "/_scheduled/base/feed.xml": { body: "<rss>earlier</rss>", etag: '"feed-base"', type: "application/rss+xml" },
  [`/_scheduled/${V}/feed.xml`]: {
    body: "<rss>later earlier</rss>",
    etag: '"feed-later"',
    type: "application/rss+xml",
  },
  "/_scheduled/base/index/last-modified.json": {
    body: JSON.stringify({ "/feed.xml": "Sun, 02 Mar 2031 08:00:00 GMT" }),
    etag: '"d1"',
    type: "application/json",
  },
  [`/_scheduled/${V}/index/last-modified.json`]: {
    body: JSON.stringify({ "/feed.xml": new Date(T).toUTCString() }),
    etag: '"d2"',
    type: "application/json",
  },
  "/_scheduled/base/index/recent.json": { body: index(["earlier"]), etag: '"i1"', type: "application/json" },
  [`/_scheduled/${V}/index/recent.json`]: { body: index(["later", "earlier"]), etag: '"i2"', type: "application/json" },
};

const assets = {
  fetch: async (input: RequestInfo | URL) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    const file = FILES[path];
    if (!file) return new Response("not found", { status: 404 });
    // Headers the asset layer would add by the `_headers` rules of its own path: none fit a version's copy.
    return new Response(file.body, { headers: { ETag: file.etag, "Content-Type": file.type } });
  },
} as unknown as Fetcher;

const serve = (path: string, now: number, headers: Record<string, string> = {}) =>
  serveDocument(new Request(`${ORIGIN}${path}`, { headers }), assets, path, now, schedule);

describe("a document a scheduled briefing changes", () => {
  it("is the build-time version until the moment, then the moment's, with new validators", async () => {
    const before = await serve("/feed.xml", BEFORE);
    expect(await before?.text()).toBe("<rss>earlier</rss>");
    expect(before?.headers.get("ETag")).toBe('"feed-base"');
    expect(before?.headers.get("Last-Modified")).toBe("Sun, 02 Mar 2031 08:00:00 GMT");
    const after = await serve("/feed.xml", T);
    expect(await after?.text()).toBe("<rss>later earlier</rss>");
    expect(after?.headers.get("ETag")).toBe('"feed-later"');
    expect(after?.headers.get("Last-Modified")).toBe(new Date(T).toUTCString());
    // A reader holding the old validators gets the new feed, not a 304.
    const reader = await serve("/feed.xml", T, { "If-None-Match": '"feed-base"' });
    expect(reader?.status).toBe(200);
  });

  it("carries the headers its public path has, not those of the folder it lies in", async () => {
    const page = await serve("/", T);
    expect(page?.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(page?.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(page?.headers.get("X-Frame-Options")).toBe("DENY");
    const feed = await serve("/feed.xml", T);
    expect(feed?.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
    expect(feed?.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("does not exist before its moment when the moment brings it", async () => {
    expect(await serve("/briefings/later", BEFORE)).toBeNull();
    const page = await serve("/briefings/later", T);
    expect(page?.status).toBe(200);
    expect(await page?.text()).toBe("<h1>later</h1>");
  });

  it("leaves every other path to the asset root", () => {
    expect(assetPathAt(schedule, "/briefings/earlier", BEFORE)).toBe("/briefings/earlier");
    expect(assetPathAt(schedule, "/briefings/earlier", T)).toBe("/briefings/earlier");
    expect(assetPathAt(schedule, "/", BEFORE)).toBe("/_scheduled/base/");
    expect(assetPathAt(schedule, "/", T + 86_400_000)).toBe(`/_scheduled/${V}/`);
  });
});

describe("the digest's briefing index", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("holds a scheduled briefing from its moment on, never before", async () => {
    vi.useFakeTimers({ now: BEFORE, toFake: ["Date"] });
    const early = await loadBriefingIndex({ ASSETS: assets });
    expect(early.briefings.map((b) => b.slug)).toEqual(["earlier"]);
    vi.setSystemTime(T);
    const on = await loadBriefingIndex({ ASSETS: assets });
    expect(on.briefings.map((b) => b.slug)).toEqual(["later", "earlier"]);
  });

  it("answers for any moment asked, for the preview of a later run", async () => {
    vi.useFakeTimers({ now: BEFORE, toFake: ["Date"] });
    const atRun = await loadBriefingIndex({ ASSETS: assets }, new Date(T + 3_600_000));
    expect(atRun.briefings.map((b) => b.slug)).toEqual(["later", "earlier"]);
  });
});
