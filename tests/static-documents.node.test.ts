// The built documents as a reader gets them from `wrangler dev`, where the static asset layer serves
// them as on Cloudflare: the HTTP contract of the feeds and pages (media types with charset, ETag and
// 304, HEAD, gzip only for clients that ask, CORS, the WebSub links, absolute URLs for the origin
// served), paging by path, and what stays the Worker's (unknown paths, methods, /healthz). Also: the
// deployable Worker bundle carries no briefing, and `npm start` builds for the origin it serves.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { atomProblems, FEEDS, feedProblems as problemsOf } from "./support/feed-rules.ts";
import { freePort, type LocalWorker, startLocalWorker } from "./support/local-worker.ts";

const root = join(import.meta.dirname, "..");
const SEED_SLUG = "nato-defence-ministers-october-2024";
const HUB = "https://hub.example.net/";
const offline = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

/** The raw answer, bytes as sent (fetch would undo the gzip and hide what a reader receives). */
function raw(url: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(url, { method: init.method ?? "GET", headers: init.headers ?? {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on("error", reject);
      req.end();
    },
  );
}

const PAGES = ["/", `/briefings/${SEED_SLUG}`, "/tags/ukraine"];

const CALENDARS = ["/events.ics", "/tags/ukraine/events.ics", "/tags/nato/events.ics"];

/** The newest `published` or `updated` among the briefing files of `dir`, as an HTTP date. */
function newestChange(dir: string): string {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), "utf8");
    for (const m of text.matchAll(/^(?:published|updated): (\S+)$/gm))
      newest = Math.max(newest, Date.parse(m[1] ?? ""));
  }
  return new Date(newest).toUTCString();
}

describe("documents served by the asset layer (wrangler dev)", () => {
  let worker: LocalWorker;
  beforeAll(async () => {
    worker = await startLocalWorker({ vars: { WEBSUB_HUB: HUB }, env: { WEBSUB_HUB: HUB } });
  }, 120_000);
  afterAll(() => worker?.stop());

  it.each(FEEDS)("%s: media type with charset, caching, CORS, valid body for the served URL", async (path, type) => {
    const res = await raw(`${worker.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(type);
    expect(res.headers["cache-control"]).toBe("public, max-age=900");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{16,}"$/);
    const body = res.body.toString("utf8");
    expect(problemsOf(path, body, `${worker.url}${path}`)).toEqual([]);
    expect(body).toContain(`${worker.url}/briefings/${SEED_SLUG}`);
  });

  it.each(FEEDS)("%s: advertises the WebSub hub and its own URL, in the body and the Link header", async (path) => {
    const res = await raw(`${worker.url}${path}`);
    expect(res.body.toString("utf8")).toContain(HUB);
    expect(res.headers.link).toBe(`<${HUB}>; rel="hub", <${worker.url}${path}>; rel="self"`);
  });

  it.each(PAGES)("%s: an HTML page with charset, caching and the site's security headers", async (path) => {
    const res = await raw(`${worker.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    const html = res.body.toString("utf8");
    expect(html).toContain(`<link rel="alternate" type="application/atom+xml"`);
    expect(html).toContain(`href="${worker.url}/`);
    expect(html).not.toContain("localhost:8787");
  });

  // The other documents that depend only on the content or the code: calendars, icons, the files
  // crawlers ask for, the JSON Feed extension's page and schema.
  const SITE_FILES: [path: string, type: string, cacheControl: string, cors: boolean][] = [
    ["/events.ics", "text/calendar; charset=utf-8", "public, max-age=900", true],
    ["/tags/ukraine/events.ics", "text/calendar; charset=utf-8", "public, max-age=900", true],
    ["/tags/nato/events.ics", "text/calendar; charset=utf-8", "public, max-age=900", true],
    ["/favicon.ico", "image/x-icon", "public, max-age=604800", false],
    ["/icon.svg", "image/svg+xml", "public, max-age=604800", false],
    ["/icon-512.png", "image/png", "public, max-age=604800", false],
    ["/apple-touch-icon.png", "image/png", "public, max-age=604800", false],
    ["/sitemap.xml", "application/xml; charset=utf-8", "public, max-age=3600", false],
    ["/robots.txt", "text/plain; charset=utf-8", "public, max-age=3600", false],
    ["/about/json-feed-extension", "text/html; charset=utf-8", "public, max-age=3600", false],
    ["/about/json-feed-extension.schema.json", "application/schema+json; charset=utf-8", "public, max-age=3600", true],
  ];

  it.each(SITE_FILES)(
    "%s: %s, its caching, CORS where web apps read it, ETag and 304",
    async (path, type, cache, cors) => {
      const res = await raw(`${worker.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe(type);
      expect(res.headers["cache-control"]).toBe(cache);
      expect(res.headers["access-control-allow-origin"]).toBe(cors ? "*" : undefined);
      const etag = res.headers.etag as string;
      expect(etag).toMatch(/^"[0-9a-f]{16,}"$/);
      const again = await raw(`${worker.url}${path}`, { headers: { "If-None-Match": etag } });
      expect(again.status).toBe(304);
      const head = await raw(`${worker.url}${path}`, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      expect(head.headers["content-type"]).toBe(type);
    },
  );

  it("serves the calendar with the served origin's links, gzip only to clients that ask", async () => {
    const plain = await raw(`${worker.url}/events.ics`);
    // Unfolded: RFC 5545 folds lines longer than 75 octets.
    const text = plain.body.toString("utf8").replace(/\r\n[ \t]/g, "");
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(text).toContain(`URL:${worker.url}/briefings/${SEED_SLUG}`);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const zipped = await raw(`${worker.url}/events.ics`, { headers: { "Accept-Encoding": "gzip" } });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    const unknown = await raw(`${worker.url}/tags/no-such-tag/events.ics`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers["content-type"]).toBe("text/html; charset=utf-8");
  });

  it("serves icons as the bytes the build wrote (PNG and ICO signatures)", async () => {
    const png = await raw(`${worker.url}/icon-64.png`);
    expect([...png.body.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const ico = await raw(`${worker.url}/favicon.ico`);
    expect([...ico.body.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  });

  it("lists in the sitemap every page that exists, each answering 200", async () => {
    const xml = (await raw(`${worker.url}/sitemap.xml`)).body.toString("utf8");
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1] as string);
    expect(locs).toContain(`${worker.url}/`);
    expect(locs).toContain(`${worker.url}/briefings/${SEED_SLUG}`);
    for (const loc of locs) expect((await raw(loc)).status, loc).toBe(200);
    const robots = (await raw(`${worker.url}/robots.txt`)).body.toString("utf8");
    expect(robots).toContain(`Sitemap: ${worker.url}/sitemap.xml`);
  });

  it("serves the stylesheet the pages link", async () => {
    const home = (await raw(`${worker.url}/`)).body.toString("utf8");
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(home)?.[1] ?? "/missing";
    const css = await raw(`${worker.url}${href}`);
    expect(css.status).toBe(200);
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(css.body.toString("utf8")).toContain("max-width");
  });

  it("answers If-None-Match with 304 and no body, keeping the validators and headers", async () => {
    const first = await raw(`${worker.url}/feed.xml`);
    const etag = first.headers.etag as string;
    const again = await raw(`${worker.url}/feed.xml`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers["cache-control"]).toBe("public, max-age=900");
    expect(again.headers["content-type"]).toBe("application/rss+xml; charset=utf-8");
    const weak = await raw(`${worker.url}/feed.xml`, { headers: { "If-None-Match": `W/${etag}` } });
    expect(weak.status).toBe(304);
    const page = await raw(`${worker.url}/briefings/${SEED_SLUG}`);
    const pageAgain = await raw(`${worker.url}/briefings/${SEED_SLUG}`, {
      headers: { "If-None-Match": page.headers.etag as string },
    });
    expect(pageAgain.status).toBe(304);
    const stale = await raw(`${worker.url}/feed.xml`, { headers: { "If-None-Match": '"something-else"' } });
    expect(stale.status).toBe(200);
  });

  it("answers the same bytes and ETag every time, and each feed its own ETag", async () => {
    const [a, b] = await Promise.all([raw(`${worker.url}/atom.xml`), raw(`${worker.url}/atom.xml`)]);
    expect(a.headers.etag).toBe(b.headers.etag);
    expect(a.body.equals(b.body)).toBe(true);
    const tags = await Promise.all(FEEDS.map(([p]) => raw(`${worker.url}${p}`).then((r) => r.headers.etag)));
    expect(new Set(tags).size).toBe(FEEDS.length);
  });

  it("sends gzip to readers that ask and plain bytes to readers that do not", async () => {
    const plain = await raw(`${worker.url}/feed.xml`);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString("utf8")).toMatch(/^<\?xml/);
    const zipped = await raw(`${worker.url}/feed.xml`, { headers: { "Accept-Encoding": "gzip" } });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    // Every feed and calendar is gzipped by the Worker: the same bytes, a weak ETag of the same
    // document that 304s, and plain bytes for a client that does not ask.
    for (const path of ["/feed.xml", "/atom.xml", "/feed.json", "/tags/ukraine/feed.json", "/events.ics"]) {
      const identity = await raw(`${worker.url}${path}`);
      expect(identity.headers["content-encoding"], path).toBeUndefined();
      const gz = await raw(`${worker.url}${path}`, { headers: { "Accept-Encoding": "gzip, br" } });
      expect(gz.headers["content-encoding"], path).toBe("gzip");
      expect(gz.headers["content-type"]).toBe(identity.headers["content-type"]);
      expect(gz.headers["access-control-allow-origin"]).toBe("*");
      expect(gz.headers.vary).toBe("Accept-Encoding");
      expect(gunzipSync(gz.body).equals(identity.body), path).toBe(true);
      expect(gz.headers.etag).toBe(`W/${identity.headers.etag}`);
      const again = await raw(`${worker.url}${path}`, {
        headers: { "Accept-Encoding": "gzip", "If-None-Match": gz.headers.etag as string },
      });
      expect(again.status).toBe(304);
      const plainAgain = await raw(`${worker.url}${path}`, { headers: { "If-None-Match": gz.headers.etag as string } });
      expect(plainAgain.status).toBe(304);
    }
  });

  it("answers HEAD with the GET headers and no body", async () => {
    const head = await raw(`${worker.url}/atom.xml`, { method: "HEAD" });
    const full = await raw(`${worker.url}/atom.xml`);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const h of ["content-type", "etag", "cache-control", "link"]) expect(head.headers[h]).toBe(full.headers[h]);
  });

  it("405s other methods on a document with an Allow header", async () => {
    for (const path of ["/feed.xml", "/outcomes/feed.json", "/tags/ukraine/atom.xml", "/"]) {
      const res = await raw(`${worker.url}${path}`, { method: "POST" });
      expect(res.status, path).toBe(405);
      expect(res.headers.allow).toBe("GET, HEAD");
    }
  });

  it("404s an unknown briefing, tag feed or page with the site's HTML error page", async () => {
    for (const path of ["/briefings/does-not-exist", "/tags/no-such-tag/feed.xml", "/page/2/feed.xml"]) {
      const res = await raw(`${worker.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(res.body.toString("utf8")).toContain('<a href="/">');
    }
  });

  it("redirects an old ?page=N URL of every format permanently to the page's path URL", async () => {
    const old = await raw(`${worker.url}/feed.xml?page=2`);
    expect(old.status).toBe(301);
    expect(old.headers.location).toBe("/page/2/feed.xml");
    const tagged = await raw(`${worker.url}/tags/ukraine/feed.xml?page=3`);
    expect(tagged.status).toBe(301);
    expect(tagged.headers.location).toBe("/tags/ukraine/page/3/feed.xml");
    const atom = await raw(`${worker.url}/atom.xml?page=2`);
    expect(atom.status).toBe(301);
    expect(atom.headers.location).toBe("/page/2/atom.xml");
    const json = await raw(`${worker.url}/tags/ukraine/feed.json?page=3`);
    expect(json.headers.location).toBe("/tags/ukraine/page/3/feed.json");
  });

  it.each([...FEEDS.map(([p]) => p), ...CALENDARS])(
    "%s: Last-Modified is the newest briefing change, also on 304 and HEAD, with and without gzip",
    async (path) => {
      const expected = newestChange(join(root, "data", "briefings"));
      for (const headers of [{}, { "Accept-Encoding": "gzip" }] as Record<string, string>[]) {
        const res = await raw(`${worker.url}${path}`, { headers });
        expect(res.status).toBe(200);
        expect(res.headers["last-modified"], path).toBe(expected);
        const head = await raw(`${worker.url}${path}`, { method: "HEAD", headers });
        expect(head.headers["last-modified"], path).toBe(expected);
        const again = await raw(`${worker.url}${path}`, {
          headers: { ...headers, "If-None-Match": res.headers.etag as string },
        });
        expect(again.status).toBe(304);
        expect(again.headers["last-modified"], path).toBe(expected);
      }
    },
  );

  it.each([...FEEDS.map(([p]) => p), ...CALENDARS])(
    "%s: If-Modified-Since (without If-None-Match) gets 304 from Last-Modified on, 200 before",
    async (path) => {
      const lastModified = newestChange(join(root, "data", "briefings"));
      const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
      const later = new Date(Date.parse(lastModified) + 86_400_000).toUTCString();
      for (const encoding of [{}, { "Accept-Encoding": "gzip" }] as Record<string, string>[]) {
        const same = await raw(`${worker.url}${path}`, { headers: { ...encoding, "If-Modified-Since": lastModified } });
        expect(same.status, path).toBe(304);
        expect(same.body.length).toBe(0);
        expect(same.headers.etag).toBeTruthy();
        expect(same.headers["cache-control"]).toBe("public, max-age=900");
        const since = await raw(`${worker.url}${path}`, { headers: { ...encoding, "If-Modified-Since": later } });
        expect(since.status, path).toBe(304);
        const before = await raw(`${worker.url}${path}`, { headers: { ...encoding, "If-Modified-Since": earlier } });
        expect(before.status, path).toBe(200);
        expect(before.body.length).toBeGreaterThan(0);
        const nonsense = await raw(`${worker.url}${path}`, {
          headers: { ...encoding, "If-Modified-Since": "yesterday" },
        });
        expect(nonsense.status, path).toBe(200);
      }
    },
  );

  it("lets If-None-Match take precedence over If-Modified-Since (RFC 9110 §13.1.3)", async () => {
    for (const path of ["/feed.xml", "/atom.xml", "/feed.json", "/events.ics"]) {
      const first = await raw(`${worker.url}${path}`);
      const lastModified = first.headers["last-modified"] as string;
      expect(lastModified, path).toBeTruthy();
      const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
      const changed = await raw(`${worker.url}${path}`, {
        headers: { "If-None-Match": '"an-older-version"', "If-Modified-Since": lastModified },
      });
      expect(changed.status, path).toBe(200);
      const same = await raw(`${worker.url}${path}`, {
        headers: { "If-None-Match": first.headers.etag as string, "If-Modified-Since": earlier },
      });
      expect(same.status, path).toBe(304);
    }
  });

  it("still answers /healthz from the Worker", async () => {
    const res = await raw(`${worker.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe("ok");
  });
});

describe("paged feeds as path URLs (wrangler dev, 120 briefings)", () => {
  const UPDATED = "2025-06-01T08:30:00Z";
  let worker: LocalWorker;
  let data: string;
  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), "briefwire-data-"));
    execFileSync("mkdir", ["-p", join(data, "briefings")]);
    execFileSync("cp", [join(root, "data", "site.yaml"), data]);
    for (let i = 0; i < 120; i++) {
      const day = new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString();
      // Briefing 5 (on the last page of each feed) was corrected after the newest one was published.
      const updated = i === 5 ? `updated: ${UPDATED}\n` : "";
      const md = `---\ntitle: Briefing ${i}\npublished: ${day}\n${updated}summary: Summary ${i}.\ntags: [bulk]\noutcomes:\n  - id: first\n    headline: Outcome ${i}\n---\nBody ${i}.\n`;
      execFileSync("sh", ["-c", `cat > "${join(data, "briefings", `b-${String(i).padStart(4, "0")}.md`)}"`], {
        input: md,
      });
    }
    worker = await startLocalWorker({ env: { BRIEFWIRE_DATA: data } });
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    rmSync(data, { recursive: true, force: true });
  });

  it("serves every page at its own path, linked from the one before, with the same HTTP contract", async () => {
    const seen: string[] = [];
    let url: string | undefined = `${worker.url}/feed.json`;
    while (url) {
      const res = await raw(url, { headers: { "Accept-Encoding": "gzip" } });
      expect(res.status, url).toBe(200);
      expect(res.headers["content-type"]).toBe("application/feed+json; charset=utf-8");
      expect(res.headers["access-control-allow-origin"]).toBe("*");
      const feed = JSON.parse(gunzipSync(res.body).toString("utf8")) as { items: { id: string }[]; next_url?: string };
      seen.push(...feed.items.map((i) => i.id));
      url = feed.next_url;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    const three = await raw(`${worker.url}/page/3/atom.xml`);
    expect(atomProblems(three.body.toString("utf8"), `${worker.url}/page/3/atom.xml`)).toEqual([]);
    expect((await raw(`${worker.url}/page/4/feed.xml`)).status).toBe(404);
  });

  it("gives every page of a feed, and the calendars, the feed's newest change as Last-Modified", async () => {
    const expected = new Date(UPDATED).toUTCString();
    const paths = [
      "/feed.xml",
      "/page/2/feed.xml",
      "/page/3/feed.xml",
      "/page/3/atom.xml",
      "/page/2/feed.json",
      "/outcomes/page/3/feed.xml",
      "/tags/bulk/feed.json",
      "/tags/bulk/page/2/atom.xml",
      "/events.ics",
      "/tags/bulk/events.ics",
    ];
    for (const path of paths) {
      const res = await raw(`${worker.url}${path}`, { headers: { "Accept-Encoding": "gzip" } });
      expect(res.status, path).toBe(200);
      expect(res.headers["last-modified"], path).toBe(expected);
      const again = await raw(`${worker.url}${path}`, { headers: { "If-Modified-Since": expected } });
      expect(again.status, path).toBe(304);
    }
    const old = await raw(`${worker.url}/tags/bulk/feed.xml?page=2`);
    expect(old.status).toBe(301);
    expect(old.headers.location).toBe("/tags/bulk/page/2/feed.xml");
  });

  it("keeps the briefing index small: recent briefings only, never the archive", async () => {
    const res = await raw(`${worker.url}/index/recent.json`);
    const index = JSON.parse(res.body.toString("utf8")) as { briefings: { slug: string }[] };
    expect(index.briefings.length).toBeLessThan(120);
    expect(index.briefings[0]?.slug).toBe("b-0119");
  });
});

describe("the deployable Worker", () => {
  it("carries no briefing: its bundle holds the site settings but no briefing text", () => {
    const out = mkdtempSync(join(tmpdir(), "briefwire-bundle-"));
    try {
      execFileSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", out], {
        cwd: root,
        env: offline,
        stdio: "ignore",
      });
      const bundle = readdirSync(out)
        .filter((f) => f.endsWith(".js"))
        .map((f) => readFileSync(join(out, f), "utf8"))
        .join("\n");
      // Phrases of the seed briefing's body as the compiled content holds it (rendered to HTML): a
      // bundle that carried the content would contain them. (The mail templates' preview data quotes
      // the seed's summary and outcomes, so those are no evidence either way.)
      // Booleans, not the strings: a failure would print the whole bundle.
      expect(bundle.includes("Short briefings on defence and security meetings"), "site description").toBe(true);
      expect(bundle.includes("used a press conference at NATO Headquarters to preview the"), "body").toBe(false);
      expect(bundle.includes("defence industrial base, sturdier supply chains and new technologies"), "body").toBe(
        false,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("npm start", () => {
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("builds the documents for the origin given with --var SITE_URL", async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const state = mkdtempSync(join(tmpdir(), "briefwire-state-"));
    const assets = mkdtempSync(join(tmpdir(), "briefwire-assets-"));
    child = spawn(
      process.execPath,
      [join(root, "scripts", "start.ts"), "--port", String(port), "--persist-to", state, "--var", `SITE_URL:${origin}`],
      { cwd: root, env: { ...offline, BRIEFWIRE_ASSETS: assets }, stdio: "ignore" },
    );
    let feed = "";
    for (const deadline = Date.now() + 90_000; Date.now() < deadline && child.exitCode === null; ) {
      try {
        const res = await fetch(`${origin}/feed.json`);
        if (res.ok) {
          feed = await res.text();
          break;
        }
      } catch {}
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(feed).toContain(`"feed_url": "${origin}/feed.json"`);
    expect(feed).toContain(`${origin}/briefings/${SEED_SLUG}`);
    expect(feed).not.toContain("localhost:8787");
    const home = await (await fetch(`${origin}/`)).text();
    expect(home).toContain(`href="${origin}/atom.xml"`);
    rmSync(state, { recursive: true, force: true });
  }, 120_000);
});
