// The documents the build renders (feeds, pages) as the document routes answer them, and what the
// Worker itself answers for feed paths: the built feeds with their Last-Modified, old `?page=N` URLs,
// unknown feeds, /healthz. How the static
// asset layer serves the built documents over HTTP is tested against wrangler dev in
// static-documents.node.test.ts.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDocumentApp } from "../src/documents/app.ts";
import { FEEDS, feedProblems as problemsOf, rssProblems } from "./support/feed-rules.ts";
import { compile, manyBriefings, SEED_FILE, SEED_SLUG } from "./support/fixtures.ts";

const SITE = "http://localhost:8787";
const get = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${SITE}${path}`, init));

describe("feed documents", () => {
  const documents = createDocumentApp(compile(SEED_FILE), { base: SITE });

  it.each(FEEDS)("%s: media type, caching headers, valid body with the served self URL", async (path, type) => {
    const res = await documents.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(type);
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=900");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const body = await res.text();
    expect(problemsOf(path, body, `${SITE}${path}`)).toEqual([]);
    expect(body).toContain(`${SITE}/briefings/${SEED_SLUG}`);
  });

  it("renders the same bytes every time", async () => {
    const again = createDocumentApp(compile(SEED_FILE), { base: SITE });
    const [a, b] = await Promise.all([documents.request("/atom.xml"), again.request("/atom.xml")]);
    expect(await a.text()).toBe(await b.text());
  });

  it("advertises the hub it is built with, in every format", async () => {
    const withHub = createDocumentApp(compile(SEED_FILE), { base: SITE, hub: "https://hub.example.net/" });
    for (const [path] of FEEDS.slice(0, 3)) {
      expect(await (await withHub.request(path)).text(), path).toContain("https://hub.example.net/");
    }
  });
});

describe("paging as path URLs", () => {
  const documents = createDocumentApp(compile(...manyBriefings(120)), { base: "https://briefs.example.net" });
  const fetchDoc = (path: string) => documents.request(path);

  it("serves page N at <prefix>/page/N/<file>, with self, next and previous links to such paths", async () => {
    const two = await fetchDoc("/page/2/feed.xml");
    expect(two.status).toBe(200);
    const body = await two.text();
    expect(rssProblems(body, "https://briefs.example.net/page/2/feed.xml")).toEqual([]);
    expect(body).toContain('<atom:link rel="next" href="https://briefs.example.net/page/3/feed.xml"');
    expect(body).toContain('<atom:link rel="previous" href="https://briefs.example.net/feed.xml"');
    expect(body).not.toContain("?page=");
    const json = (await (await fetchDoc("/tags/bulk/page/2/feed.json")).json()) as Record<string, string>;
    expect(json.next_url).toBe("https://briefs.example.net/tags/bulk/page/3/feed.json");
    expect(json.feed_url).toBe("https://briefs.example.net/tags/bulk/feed.json");
    expect((await fetchDoc("/page/4/feed.xml")).status).toBe(404);
    expect((await fetchDoc("/page/1/feed.xml")).status).toBe(404);
  });

  it("builds every URL from the origin it is built for", async () => {
    const body = await (await fetchDoc("/feed.json")).text();
    expect(body).toContain('"feed_url": "https://briefs.example.net/feed.json"');
    expect(body).not.toContain("localhost");
  });
});

describe("feed paths in the Worker", () => {
  it("redirects an old ?page=N URL permanently to the page's path URL, keeping other parameters", async () => {
    const res = await get("/tags/ukraine/atom.xml?page=3&utm=x", { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("Location")).toBe("/tags/ukraine/page/3/atom.xml?utm=x");
    expect((await get("/feed.json?page=1", { redirect: "manual" })).headers.get("Location")).toBe("/feed.json");
  });

  it("redirects an old RSS ?page=N URL like the other formats", async () => {
    const res = await get("/outcomes/feed.xml?page=2", { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("Location")).toBe("/outcomes/page/2/feed.xml");
  });

  it("sends each feed and calendar with the Last-Modified its route answers, and 304s If-Modified-Since", async () => {
    const documents = createDocumentApp(compile(SEED_FILE), { base: SITE });
    for (const path of ["/feed.xml", "/tags/ukraine/atom.xml", "/outcomes/feed.json", "/events.ics"]) {
      const expected = (await documents.request(path)).headers.get("Last-Modified");
      expect(expected, path).toBeTruthy();
      const res = await get(path);
      expect(res.headers.get("Last-Modified"), path).toBe(expected);
      const again = await get(path, { headers: { "If-Modified-Since": expected ?? "" } });
      expect(again.status, path).toBe(304);
      expect(await again.text()).toBe("");
    }
  });

  it("400s a bad page parameter with the field and reason as problem+json", async () => {
    for (const bad of ["0", "-1", "abc", "1.5", "01", "9999999"]) {
      const res = await get(`/atom.xml?page=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
      const body = (await res.json()) as { errors: { field: string; reason: string }[] };
      expect(body.errors[0]?.field).toBe("page");
    }
  });

  it("serves a feed without ?page from the static documents", async () => {
    const res = await get("/feed.xml");
    expect(res.status).toBe(200);
    expect(rssProblems(await res.text(), `${SITE}/feed.xml`)).toEqual([]);
  });

  it("404s an unknown tag's feed with the site's error page", async () => {
    const res = await get("/tags/no-such-tag/feed.xml");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  });

  it("answers /healthz with a constant, and 405 to other methods", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
    const post = await get("/healthz", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("Allow")).toBe("GET, HEAD");
  });
});
