// HTTP behaviour of the running Worker (workerd): content types, validators, 304s, HEAD, errors.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { atomProblems, jsonFeedProblems, rssProblems } from "./support/feed-rules.ts";
import { compile, manyBriefings, SEED_FILE, SEED_SLUG } from "./support/fixtures.ts";

const SITE = "http://localhost:8787";
const get = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${SITE}${path}`, init));

const FEEDS = [
  ["/feed.xml", "application/rss+xml; charset=utf-8"],
  ["/atom.xml", "application/atom+xml; charset=utf-8"],
  ["/feed.json", "application/feed+json; charset=utf-8"],
  ["/outcomes/feed.xml", "application/rss+xml; charset=utf-8"],
  ["/outcomes/atom.xml", "application/atom+xml; charset=utf-8"],
  ["/outcomes/feed.json", "application/feed+json; charset=utf-8"],
  ["/tags/ukraine/feed.xml", "application/rss+xml; charset=utf-8"],
  ["/tags/ukraine/atom.xml", "application/atom+xml; charset=utf-8"],
  ["/tags/ukraine/feed.json", "application/feed+json; charset=utf-8"],
] as const;

describe("feeds served by the Worker", () => {
  it.each(FEEDS)("%s: media type, caching headers, valid body with the served self URL", async (path, type) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(type);
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=900");
    expect(res.headers.get("ETag")).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
    expect(res.headers.get("Last-Modified")).toBe("Wed, 16 Oct 2024 12:00:00 GMT");
    const body = await res.text();
    const url = `${SITE}${path}`;
    const problems = path.endsWith(".json")
      ? jsonFeedProblems(body, url)
      : path.endsWith("atom.xml")
        ? atomProblems(body, url)
        : rssProblems(body, url);
    expect(problems).toEqual([]);
    expect(body).toContain(`${SITE}/briefings/${SEED_SLUG}`);
  });

  it("answers the same bytes and ETag on every request", async () => {
    const [a, b] = await Promise.all([get("/atom.xml"), get("/atom.xml")]);
    expect(a.headers.get("ETag")).toBe(b.headers.get("ETag"));
    expect(await a.text()).toBe(await b.text());
  });

  it("gives each feed its own ETag", async () => {
    const tags = await Promise.all(FEEDS.map(([p]) => get(p).then((r) => r.headers.get("ETag"))));
    expect(new Set(tags).size).toBe(FEEDS.length);
  });

  it("answers If-None-Match with 304 and no body, keeping the validators", async () => {
    const first = await get("/feed.xml");
    const etag = first.headers.get("ETag") as string;
    const again = await get("/feed.xml", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("ETag")).toBe(etag);
    expect(again.headers.get("Last-Modified")).toBe(first.headers.get("Last-Modified"));
    expect(again.headers.get("Cache-Control")).toBe("public, max-age=900");
    // A list and a weak form of the same tag also match (RFC 9110 weak comparison).
    const listed = await get("/feed.xml", { headers: { "If-None-Match": `"other", W/${etag}` } });
    expect(listed.status).toBe(304);
    const stale = await get("/feed.xml", { headers: { "If-None-Match": '"something-else"' } });
    expect(stale.status).toBe(200);
  });

  it("answers If-Modified-Since with 304 when nothing is newer, 200 otherwise", async () => {
    const same = await get("/feed.json", { headers: { "If-Modified-Since": "Wed, 16 Oct 2024 12:00:00 GMT" } });
    expect(same.status).toBe(304);
    const older = await get("/feed.json", { headers: { "If-Modified-Since": "Tue, 15 Oct 2024 12:00:00 GMT" } });
    expect(older.status).toBe(200);
    const garbage = await get("/feed.json", { headers: { "If-Modified-Since": "yesterday-ish" } });
    expect(garbage.status).toBe(200);
    // If-None-Match wins over If-Modified-Since.
    const both = await get("/feed.json", {
      headers: { "If-None-Match": '"nope"', "If-Modified-Since": "Wed, 16 Oct 2024 12:00:00 GMT" },
    });
    expect(both.status).toBe(200);
  });

  it("sends gzip to readers that accept it: same bytes once decompressed, its own ETag, Vary", async () => {
    // In-process, so the compressed bytes are seen as sent (workerd's fetch would decode them).
    const app = createApp(compile(SEED_FILE));
    const env = { SITE_URL: SITE } as Env;
    const plain = await app.request("/feed.xml", {}, env);
    const zipped = await app.request("/feed.xml", { headers: { "Accept-Encoding": "gzip, deflate, br" } }, env);
    expect(zipped.headers.get("Content-Encoding")).toBe("gzip");
    expect(zipped.headers.get("Vary")).toBe("Accept-Encoding");
    expect(plain.headers.get("Content-Encoding")).toBeNull();
    const bytes = new Uint8Array(await zipped.arrayBuffer());
    const unzipped = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
    const text = await plain.text();
    expect(unzipped).toBe(text);
    expect(bytes.length).toBeLessThan(text.length / 2);
    const zipTag = zipped.headers.get("ETag") as string;
    expect(zipTag).not.toBe(plain.headers.get("ETag"));
    const again = await app.request(
      "/feed.xml",
      { headers: { "Accept-Encoding": "gzip", "If-None-Match": zipTag } },
      env,
    );
    expect(again.status).toBe(304);
    const refused = await app.request("/feed.xml", { headers: { "Accept-Encoding": "gzip;q=0, identity" } }, env);
    expect(refused.headers.get("Content-Encoding")).toBeNull();
    // Through the runtime's HTTP layer a client gets the same document.
    const viaWorker = await get("/feed.xml", { headers: { "Accept-Encoding": "gzip" } });
    expect(await viaWorker.text()).toBe(await (await get("/feed.xml")).text());
  });

  it("decides on gzip from the client's own Accept-Encoding, not the runtime's rewritten one", async () => {
    // As on Cloudflare and under wrangler dev: the header says "br, gzip" whatever the client sent; what
    // it sent is in cf.clientAcceptEncoding ("" for curl without --compressed, "identity" for urllib, wget).
    const app = createApp(compile(SEED_FILE));
    const env = { SITE_URL: SITE } as Env;
    const asSent = (clientAcceptEncoding: string) =>
      app.request(
        new Request(`${SITE}/feed.json`, { headers: { "Accept-Encoding": "br, gzip" }, cf: { clientAcceptEncoding } }),
        undefined,
        env,
      );
    for (const sent of ["", "identity", "gzip;q=0"]) {
      const res = await asSent(sent);
      expect(res.headers.get("Content-Encoding"), `client sent "${sent}"`).toBeNull();
      expect(((await res.json()) as { version: string }).version).toBe("https://jsonfeed.org/version/1.1");
    }
    for (const sent of ["gzip", "gzip, deflate, br"]) {
      expect((await asSent(sent)).headers.get("Content-Encoding"), `client sent "${sent}"`).toBe("gzip");
    }
  });

  it("answers HEAD with the GET headers and no body", async () => {
    const head = await get("/atom.xml", { method: "HEAD" });
    const full = await get("/atom.xml");
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    for (const h of ["Content-Type", "ETag", "Last-Modified", "Cache-Control"]) {
      expect(head.headers.get(h)).toBe(full.headers.get(h));
    }
  });

  it("404s an unknown tag and a page past the end", async () => {
    expect((await get("/tags/no-such-tag/feed.xml")).status).toBe(404);
    expect((await get("/feed.xml?page=2")).status).toBe(404);
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

  it("405s other methods with an Allow header", async () => {
    for (const path of ["/feed.xml", "/outcomes/feed.json", "/tags/ukraine/atom.xml", "/"]) {
      const res = await get(path, { method: "POST" });
      expect(res.status, path).toBe(405);
      expect(res.headers.get("Allow")).toBe("GET, HEAD");
    }
  });

  it("answers /healthz with a constant", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });
});

describe("paging over HTTP", () => {
  const app = createApp(compile(...manyBriefings(75)));
  const env = { SITE_URL: "https://briefs.example.net" } as Env;
  const fetchApp = (path: string) => app.request(path, {}, env);

  it("serves page 2 with its own self link and a different ETag", async () => {
    const one = await fetchApp("/feed.xml");
    const two = await fetchApp("/feed.xml?page=2");
    expect(two.status).toBe(200);
    expect(rssProblems(await two.text(), "https://briefs.example.net/feed.xml?page=2")).toEqual([]);
    expect(two.headers.get("ETag")).not.toBe(one.headers.get("ETag"));
    expect((await fetchApp("/feed.xml?page=3")).status).toBe(404);
  });

  it("builds every URL from SITE_URL", async () => {
    const body = await (await fetchApp("/feed.json")).text();
    expect(body).toContain('"feed_url": "https://briefs.example.net/feed.json"');
    expect(body).not.toContain("localhost");
  });
});
