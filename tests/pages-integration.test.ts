// The web pages: what a reader sees on the home page and a briefing page, autodiscovery, safety.
// Pages the build renders come from the documents app; unknown paths reach the Worker.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Content } from "../src/content/schema.ts";
import { createDocumentApp } from "../src/documents/app.ts";
import { SITEMAP_LIMITS } from "../src/web/crawlers.ts";
import {
  compile,
  compileOneLanguage,
  HOSTILE_FILE,
  HOSTILE_TITLE,
  manyBriefings,
  SEED_FILE,
  SEED_SLUG,
} from "./support/fixtures.ts";
import { select } from "./support/html.ts";
import { readSitemap } from "./support/sitemap-rules.ts";

const SITE = "http://localhost:8787";
const documents = createDocumentApp(compile(SEED_FILE), { base: SITE });
/** A built document when there is one, else what the Worker answers (as the asset layer routes it). */
async function get(path: string, init?: RequestInit) {
  const doc = await documents.request(path, init);
  return doc.status === 404 ? exports.default.fetch(new Request(`${SITE}${path}`, init)) : doc;
}
const seed = compile(SEED_FILE).briefings[0]!;

const JSON_LD = /<script type="application\/ld\+json">([^<]*)<\/script>/g;
const withoutJsonLd = (html: string) => html.replace(JSON_LD, "");
async function jsonLdOf(html: string): Promise<string> {
  const blocks = [...html.matchAll(JSON_LD)];
  expect(blocks).toHaveLength(1);
  return blocks[0]?.[1] as string;
}

async function meta(html: string): Promise<Record<string, string>> {
  const found = await select(html, "meta[property], meta[name]");
  // Attribute values come as written in the HTML: decode them as a browser (or a preview crawler) would.
  const decode = (v: string) =>
    v
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
  return Object.fromEntries(found.map((m) => [m.attrs.property ?? m.attrs.name, decode(m.attrs.content ?? "")]));
}

async function page(path: string) {
  const res = await get(path);
  return { res, html: await res.text() };
}

describe("every page", () => {
  it.each(["/", `/briefings/${SEED_SLUG}`, "/tags/ukraine"])("%s advertises all three feeds", async (path) => {
    const { res, html } = await page(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    // The feeds (link rel=alternate with a type); the other-language versions carry hreflang instead.
    const links = await select(html, 'link[rel="alternate"][type]');
    const types = links.map((l) => l.attrs.type);
    expect(types).toEqual(
      expect.arrayContaining(["application/rss+xml", "application/atom+xml", "application/feed+json"]),
    );
    for (const l of links)
      expect(l.attrs.href).toMatch(/^http:\/\/localhost:8787\/.*(feed\.xml|atom\.xml|feed\.json)$/);
  });

  it.each(["/", `/briefings/${SEED_SLUG}`, "/no-such-page"])(
    "%s runs no script and forbids inline script by CSP",
    async (path) => {
      const { res, html } = await page(path);
      // JSON-LD is a data block, never run: everything else must be free of script.
      expect(withoutJsonLd(html)).not.toMatch(/<script|\son[a-z]+=|style="/i);
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    },
  );

  it.each(["/", `/briefings/${SEED_SLUG}`, "/no-such-page"])(
    "%s names the publisher once in its footer when the postal address starts with it",
    async (path) => {
      const { html } = await page(path);
      const footer = html.slice(html.indexOf('<footer class="site">'));
      expect(footer).toContain("briefwire, 1 Example Street, 1000 Brussels, Belgium");
      expect(footer).not.toContain("briefwire · briefwire");
    },
  );

  it("is readable on a phone: viewport meta and the stylesheet it links is served", async () => {
    const { html } = await page("/");
    expect((await select(html, 'meta[name="viewport"]'))[0]?.attrs.content).toBe("width=device-width, initial-scale=1");
    const css = await select(html, 'link[rel="stylesheet"]');
    const res = await get(css[0]?.attrs.href ?? "/missing");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
    expect(await res.text()).toContain("max-width");
  });
});

describe("the home page", () => {
  it("lists the latest briefing with its outcomes at a glance", async () => {
    const { html } = await page("/");
    const titles = await select(html, ".briefing-list h2 a");
    expect(titles.map((t) => t.text)).toEqual([seed.title]);
    expect(titles[0]?.attrs.href).toBe(`/briefings/${SEED_SLUG}`);
    const glance = await select(html, ".briefing-list ul.glance > li");
    expect(glance.map((g) => g.text)).toEqual(seed.outcomes.map((o) => o.headline));
  });

  it("has a subscribe form that posts an email and a cadence to /subscribe", async () => {
    const { html } = await page("/");
    const form = await select(html, "form.subscribe");
    expect(form[0]?.attrs).toMatchObject({ method: "post", action: "/subscribe" });
    const email = await select(html, 'form.subscribe input[name="email"]');
    expect(email[0]?.attrs).toMatchObject({ type: "email" });
    expect(email[0]?.attrs.required).toBeDefined();
    const cadence = await select(html, 'form.subscribe input[name="cadence"]');
    expect(cadence.map((c) => c.attrs.value)).toEqual(["instant", "daily", "weekly"]);
  });
});

describe("a briefing page", () => {
  it("shows the summary, the key outcomes in order with anchors and figures, the body and the source", async () => {
    const { html } = await page(`/briefings/${SEED_SLUG}`);
    expect((await select(html, "h1"))[0]?.text).toBe(seed.title);
    expect((await select(html, "p.summary"))[0]?.text).toBe(seed.summary);
    const items = await select(html, ".outcomes > ol > li");
    expect(items.map((i) => i.attrs.id)).toEqual(seed.outcomes.map((o) => o.id));
    const headlines = await select(html, ".outcomes li > strong");
    expect(headlines.map((h) => h.text)).toEqual(seed.outcomes.map((o) => o.headline));
    const figures = await select(html, ".figures li");
    expect(figures.map((f) => f.text)).toEqual([
      "Military assistance provided in H1 2024: €20.9 billion",
      "Annual pledge: €40 billion",
    ]);
    expect((await select(html, ".body h2")).map((h) => h.text)).toContain("Support to Ukraine");
    const source = await select(html, 'a[rel="noopener"]');
    expect(source[0]).toMatchObject({ text: "NATO", attrs: { href: "https://www.nato.int/" } });
    expect(html).toMatch(/Meeting of NATO Ministers of Defence, NATO Headquarters, Brussels, 17\s*–\s*18 October 2024/);
  });

  it("404s an unknown slug with a page that leads back home", async () => {
    const { res, html } = await page("/briefings/does-not-exist");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect((await select(html, "h1"))[0]?.text).toBe("Not found");
    expect((await select(html, 'main a[href="/"]')).length).toBe(1);
  });

  it("shows hostile text literally and never as markup", async () => {
    const app = createDocumentApp(compile(HOSTILE_FILE), { base: SITE });
    const html = await (await app.request("/briefings/hostile")).text();
    expect((await select(html, "h1"))[0]?.text).toBe(HOSTILE_TITLE);
    expect(withoutJsonLd(html)).not.toMatch(/<script|<img[^>]*onerror|<b>|javascript:/i);
    expect((await select(html, ".outcomes li > strong"))[0]?.text).toBe("Budget < 5 & > 3 ]]> ok");
    // Text that closes a script element stays inside the JSON-LD block, and reads back exactly.
    expect(JSON.parse(await jsonLdOf(html)).headline).toBe(HOSTILE_TITLE);
  });
});

describe("link previews", () => {
  it("a briefing page is an article card: OpenGraph and Twitter tags with title, summary, dates, site, image", async () => {
    const { html } = await page(`/briefings/${SEED_SLUG}`);
    const tags = await meta(html);
    expect(tags).toMatchObject({
      "og:type": "article",
      "og:title": seed.title,
      "og:description": seed.summary,
      "og:url": `${SITE}/briefings/${SEED_SLUG}`,
      "og:site_name": "briefwire",
      "og:locale": "en_GB",
      "article:published_time": "2024-10-16T12:00:00Z",
      "article:modified_time": "2024-10-16T12:00:00Z",
      "twitter:card": "summary",
      "twitter:description": seed.summary,
    });
    const image = await get(tags["og:image"]!.slice(SITE.length));
    expect(image.status).toBe(200);
    expect(image.headers.get("Content-Type")).toBe("image/png");
  });

  it("a briefing page carries a schema.org NewsArticle with its outcomes as a list", async () => {
    const data = JSON.parse(await jsonLdOf((await page(`/briefings/${SEED_SLUG}`)).html));
    expect(data).toMatchObject({
      "@context": "https://schema.org",
      "@type": "NewsArticle",
      headline: seed.title.slice(0, 110),
      description: seed.summary,
      datePublished: "2024-10-16T12:00:00Z",
      dateModified: "2024-10-16T12:00:00Z",
      inLanguage: "en-GB",
      publisher: { "@type": "Organization", name: "briefwire", url: `${SITE}/` },
      mainEntityOfPage: { "@id": `${SITE}/briefings/${SEED_SLUG}` },
    });
    expect(data.about["@type"]).toBe("ItemList");
    expect(data.about.itemListElement.map((i: { name: string }) => i.name)).toEqual(
      seed.outcomes.map((o) => o.headline),
    );
    expect(data.about.itemListElement.map((i: { position: number }) => i.position)).toEqual([1, 2, 3, 4, 5]);
  });

  it("the home page is a website card", async () => {
    const tags = await meta((await page("/")).html);
    expect(tags).toMatchObject({ "og:type": "website", "og:title": "briefwire", "og:url": `${SITE}/` });
    expect(tags["article:published_time"]).toBeUndefined();
  });
});

describe("icons", () => {
  it("serves /favicon.ico as an icon file with 16, 32 and 48 pixel PNG images", async () => {
    const res = await get("/favicon.ico");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/x-icon");
    const bytes = new Uint8Array(await res.arrayBuffer());
    const view = new DataView(bytes.buffer);
    expect([view.getUint16(0, true), view.getUint16(2, true), view.getUint16(4, true)]).toEqual([0, 1, 3]);
    expect([bytes[6], bytes[22], bytes[38]]).toEqual([16, 32, 48]);
    const first = view.getUint32(6 + 12, true);
    expect([...bytes.subarray(first, first + 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it.each([64, 144, 180, 512])("serves a %i pixel PNG", async (size) => {
    const res = await get(`/icon-${size}.png`);
    expect(res.headers.get("Content-Type")).toBe("image/png");
    const view = new DataView(await res.arrayBuffer());
    expect(view.getUint32(0)).toBe(0x89504e47);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([size, size]);
  });

  it("every page links its icons, and each is served", async () => {
    const { html } = await page("/tags/ukraine");
    const links = await select(html, 'link[rel="icon"], link[rel="apple-touch-icon"]');
    expect(links.map((l) => l.attrs.href)).toEqual(["/favicon.ico", "/icon.svg", "/apple-touch-icon.png"]);
    for (const l of links) expect((await get(l.attrs.href as string)).status).toBe(200);
    expect(await (await get("/icon.svg")).text()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});

describe("sitemap and robots.txt", () => {
  it("the sitemap lists the home page, every briefing and every tag page with their last change", async () => {
    const res = await get("/sitemap.xml");
    expect(res.headers.get("Content-Type")).toBe("application/xml; charset=utf-8");
    const xml = await res.text();
    const urls = [...xml.matchAll(/<url><loc>([^<]+)<\/loc><lastmod>([^<]+)<\/lastmod><\/url>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    // Each page in English, then under /fr/ (the briefing's two versions side by side).
    expect(urls).toEqual([
      [`${SITE}/`, "2024-10-16T12:00:00Z"],
      [`${SITE}/fr/`, "2024-10-16T12:00:00Z"],
      [`${SITE}/briefings/${SEED_SLUG}`, "2024-10-16T12:00:00Z"],
      [`${SITE}/fr/briefings/${SEED_SLUG}`, "2024-10-16T12:00:00Z"],
      ...[...seed.tags].sort().map((t) => [`${SITE}/tags/${t}`, "2024-10-16T12:00:00Z"]),
      ...[...seed.tags].sort().map((t) => [`${SITE}/fr/tags/${t}`, "2024-10-16T12:00:00Z"]),
    ]);
  });

  it("past one file's URL limit, the sitemap is an index of files that together list every page once", async () => {
    // One language: the split is what is tested here (the French pages would double every count).
    const large = compileOneLanguage(SEED_FILE, ...manyBriefings(25, ["bulk", "more"]));
    const app = createDocumentApp(large, { base: SITE, sitemapLimits: { ...SITEMAP_LIMITS, urls: 10 } });
    const xml = async (path: string) => {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("application/xml; charset=utf-8");
      expect(res.headers.get("Cache-Control")).toBe("public, max-age=3600");
      return readSitemap(await res.text());
    };
    const index = await xml("/sitemap.xml");
    if (index.kind !== "sitemapindex") throw new Error(`/sitemap.xml is a ${index.kind}`);
    // 33 pages: the home page, 26 briefings, 6 tag pages.
    expect(index.sitemaps.map((s) => s.loc)).toEqual([1, 2, 3, 4].map((n) => `${SITE}/sitemaps/${n}.xml`));
    const listed: string[] = [];
    for (const { loc } of index.sitemaps) {
      const file = await xml(new URL(loc).pathname);
      if (file.kind !== "urlset") throw new Error(`${loc} is a ${file.kind}`);
      expect(file.urls.length).toBeLessThanOrEqual(10);
      listed.push(...file.urls.map((u) => u.loc));
    }
    const tags = [...new Set(large.briefings.flatMap((b) => b.tags))];
    const pages = ["/", ...large.briefings.map((b) => `/briefings/${b.slug}`), ...tags.map((t) => `/tags/${t}`)];
    expect([...listed].sort()).toEqual(pages.map((p) => `${SITE}${p}`).sort());
    for (const loc of listed) expect((await app.request(new URL(loc).pathname)).status, loc).toBe(200);
    // robots.txt names the index: crawlers find the files through it.
    expect(await (await app.request("/robots.txt")).text()).toContain(`Sitemap: ${SITE}/sitemap.xml\n`);
  });

  it("splits at the protocol's own limit: 50,000 URLs in one file, 50,001 in an index of two", async () => {
    // Copies of the seed under other slugs, newest first as compiled content is: compiling 50,000
    // briefing files would take minutes, and the sitemap reads only slugs, dates and tags.
    const archive = (n: number): Content => {
      const one = compileOneLanguage(SEED_FILE);
      const briefings = Array.from({ length: n }, (_, i) => ({
        ...seed,
        slug: `copy-${n - i}`,
        published: new Date(Date.UTC(2020, 0, 1) + (n - i) * 60_000).toISOString(),
        updated: undefined,
      }));
      return { ...one, briefings, version: `copies-${n}` };
    };
    const urlsIn = async (app: ReturnType<typeof createDocumentApp>, path: string) => {
      const map = readSitemap(await (await app.request(path)).text());
      return map.kind === "urlset" ? map.urls.length : `an index of ${map.sitemaps.length}`;
    };
    // The home page, the briefings and the seed's 4 tag pages.
    const full = createDocumentApp(archive(50_000 - 5), { base: SITE });
    expect(await urlsIn(full, "/sitemap.xml")).toBe(50_000);
    const over = createDocumentApp(archive(50_001 - 5), { base: SITE });
    expect(await urlsIn(over, "/sitemap.xml")).toBe("an index of 2");
    expect(await urlsIn(over, "/sitemaps/1.xml")).toBe(50_000);
    expect(await urlsIn(over, "/sitemaps/2.xml")).toBe(1);
  }, 30_000);

  it("answers a sitemap file that does not exist with the site's 404 page", async () => {
    // 32 pages: four files.
    const large = createDocumentApp(compileOneLanguage(SEED_FILE, ...manyBriefings(25)), {
      base: SITE,
      sitemapLimits: { ...SITEMAP_LIMITS, urls: 10 },
    });
    for (const path of ["/sitemaps/5.xml", "/sitemaps/0.xml", "/sitemaps/01.xml", "/sitemaps/1", "/sitemaps/x.xml"]) {
      const res = await large.request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    }
    // One file is enough for the seed: there are no numbered files at all.
    const res = await get("/sitemaps/1.xml");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("<!doctype html>");
  });

  it("robots.txt names the sitemap and keeps crawlers away from personal links", async () => {
    const text = await (await get("/robots.txt")).text();
    expect(text).toContain(`Sitemap: ${SITE}/sitemap.xml`);
    for (const path of ["/confirm/", "/unsubscribe/", "/preferences/", "/admin/", "/outbox"])
      expect(text).toContain(`Disallow: ${path}\n`);
  });
});

describe("the JSON Feed extension's documentation", () => {
  it("the feed's about URL is a page that links the JSON Schema, which is served as JSON", async () => {
    const feed = (await (await get("/feed.json")).json()) as { _briefwire: { about: string } };
    const about = await get(feed._briefwire.about.slice(SITE.length));
    expect(about.status).toBe(200);
    const html = await about.text();
    const schemaLink = (await select(html, 'main a[href$=".schema.json"]'))[0]?.attrs.href as string;
    const schema = await get(schemaLink);
    expect(schema.headers.get("Content-Type")).toBe("application/schema+json; charset=utf-8");
    const body = (await schema.json()) as { $id: string; $defs: Record<string, unknown> };
    expect(body.$id).toBe(`${SITE}${schemaLink}`);
    expect(Object.keys(body.$defs)).toEqual(["feed", "item", "outcome", "figure"]);
  });
});
