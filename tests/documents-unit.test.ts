// The pieces of the static build that decide what a reader gets: the briefing index the digest
// reads, what the Worker bundle carries, the `_headers` rules the asset layer applies, and the feeds'
// Last-Modified the Worker adds, with the conditional GET rule it answers by.
import { describe, expect, it } from "vitest";
import { buildBriefingIndex, INDEX_DAYS, INDEX_MIN, siteInfoOf } from "../src/content/briefing-index.ts";
import {
  documentRules,
  familyRules,
  headerMismatches,
  headersFor,
  renderHeadersFile,
} from "../src/documents/headers.ts";
import { lastModifiedBySeries } from "../src/documents/last-modified.ts";
import { seriesOf } from "../src/feeds/series.ts";
import { notModified } from "../src/http/conditional.ts";
import { briefingFile, compile, manyBriefings, SEED_FILE } from "./support/fixtures.ts";

describe("the briefing index", () => {
  it("holds the briefings of the last INDEX_DAYS before the newest, with only the fields the digest reads", () => {
    // One a day for 120 days: the newest 63 are within 62 days of the newest.
    const content = compile(...manyBriefings(120));
    const index = buildBriefingIndex(content);
    expect(index.briefings).toHaveLength(INDEX_DAYS + 1);
    expect(index.briefings[0]?.slug).toBe("b-0119");
    expect(index.briefings.at(-1)?.slug).toBe("b-0057");
    expect(index.completeFrom).toBe(index.briefings.at(-1)?.published);
    expect(Object.keys(index.briefings[0] ?? {}).sort()).toEqual(
      ["outcomes", "published", "slug", "summary", "tags", "title"].sort(),
    );
    expect(JSON.stringify(index)).not.toContain("bodyHtml");
    expect(index.site).toEqual(content.site);
  });

  it("keeps at least INDEX_MIN briefings however old, and a briefing updated recently", () => {
    const sparse = compile(
      ...Array.from({ length: 60 }, (_, i) =>
        briefingFile(`s-${i}`, {
          title: `Sparse ${i}`,
          published: new Date(Date.UTC(2020, 0, 1) + i * 30 * 86_400_000).toISOString(),
          summary: "S.",
          outcomes: [{ id: "a", headline: "A" }],
        }),
      ),
      briefingFile("old-but-updated", {
        title: "Old",
        published: "2019-01-01T00:00:00Z",
        updated: "2024-12-01T00:00:00Z",
        summary: "S.",
        outcomes: [{ id: "a", headline: "A" }],
      }),
    );
    const index = buildBriefingIndex(sparse);
    expect(index.briefings.filter((b) => b.slug.startsWith("s-"))).toHaveLength(INDEX_MIN);
    expect(index.briefings.map((b) => b.slug)).toContain("old-but-updated");
    expect(index.briefings.find((b) => b.slug === "old-but-updated")?.updated).toBe("2024-12-01T00:00:00Z");
  });

  it("is the whole content when it is small, and says so", () => {
    const index = buildBriefingIndex(compile(SEED_FILE));
    expect(index.briefings).toHaveLength(1);
    expect(index.completeFrom).toBeNull();
  });

  it("gives the same bytes for the same content", () => {
    expect(JSON.stringify(buildBriefingIndex(compile(...manyBriefings(70))))).toBe(
      JSON.stringify(buildBriefingIndex(compile(...manyBriefings(70)))),
    );
  });
});

describe("what the Worker bundle carries", () => {
  it("is the site, the version, every tag once and the newest briefing's name: never a briefing body", () => {
    const content = compile(...manyBriefings(3, ["b", "a"]), SEED_FILE);
    const info = siteInfoOf(content);
    expect(info.tags).toEqual(["a", "b", "defence-industry", "indo-pacific", "nato", "ukraine"]);
    expect(info.latest).toEqual({ slug: "b-0002", title: "Briefing 2" });
    expect(info.version).toBe(content.version);
    expect(Object.keys(info).sort()).toEqual(["latest", "site", "tags", "version"]);
  });
});

describe("_headers", () => {
  const base = "https://briefs.example.net";
  const rules = familyRules({ base, hub: "https://hub.example.org/" });

  it("gives every page of every feed its media type with charset, caching, CORS and its own self link", () => {
    expect(headersFor(rules, "/tags/x/page/2/feed.xml")).toEqual({
      "Content-Type": "application/rss+xml; charset=utf-8",
      "Cache-Control": "public, max-age=900",
      "Access-Control-Allow-Origin": "*",
      Link: `<https://hub.example.org/>; rel="hub", <${base}/tags/x/page/2/feed.xml>; rel="self"`,
    });
    expect(headersFor(rules, "/atom.xml")["Content-Type"]).toBe("application/atom+xml; charset=utf-8");
    expect(headersFor(rules, "/outcomes/feed.json").Link).toContain(`<${base}/outcomes/feed.json>; rel="self"`);
    expect(headersFor(rules, "/briefings/some-slug")["Content-Type"]).toBe("text/html; charset=utf-8");
    expect(headersFor(rules, "/tags/x")["Cache-Control"]).toBe("public, max-age=300");
    expect(familyRules({ base }).some((r) => "Link" in r.headers)).toBe(false);
  });

  it("gives every numbered sitemap file the sitemap's media type and caching with one rule", () => {
    for (const path of ["/sitemaps/1.xml", "/sitemaps/12.xml"])
      expect(headersFor(rules, path)).toEqual({
        "Content-Type": "application/xml; charset=utf-8",
        "Cache-Control": "public, max-age=3600",
      });
  });

  it("adds an exact rule for a document outside the families, from its own response", () => {
    const documents = new Map([
      [
        "/feed.xml",
        new Headers({
          "Content-Type": "application/rss+xml; charset=utf-8",
          "Cache-Control": "public, max-age=900",
          "Access-Control-Allow-Origin": "*",
        }),
      ],
      [
        "/sitemap.xml",
        new Headers({ "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=3600" }),
      ],
    ]);
    const all = documentRules({ base, common: { "X-Content-Type-Options": "nosniff" } }, documents);
    expect(all.find((r) => r.path === "/sitemap.xml")?.headers).toEqual({
      "Content-Type": "application/xml; charset=utf-8",
      "Cache-Control": "public, max-age=3600",
    });
    expect(all.filter((r) => r.path === "/feed.xml")).toHaveLength(0);
    expect(headerMismatches(all, documents)).toEqual([]);
    expect(renderHeadersFile(all)).toContain("/sitemap.xml\n  Content-Type: application/xml; charset=utf-8\n");
    expect(headersFor(all, "/sitemap.xml")["X-Content-Type-Options"]).toBe("nosniff");
  });

  it("stops the build when a route answers with headers the rules would not give", () => {
    const documents = new Map([
      [
        "/feed.xml",
        new Headers({
          "Content-Type": "application/xml",
          "Cache-Control": "public, max-age=900",
          "Access-Control-Allow-Origin": "*",
        }),
      ],
    ]);
    expect(headerMismatches(familyRules({ base }), documents)).toEqual([
      '/feed.xml: Content-Type: the route answers "application/xml", _headers gives "application/rss+xml; charset=utf-8"',
    ]);
  });

  it("refuses more rules than Cloudflare reads", () => {
    const many = new Map(
      Array.from({ length: 120 }, (_, i) => [`/doc-${i}.txt`, new Headers({ "Content-Type": "text/plain" })]),
    );
    expect(() => documentRules({ base, common: {} }, many)).toThrow(/more than the 100/);
  });
});

describe("the feeds' Last-Modified, recorded at build time", () => {
  const lm = (date: string) => new Headers({ "Last-Modified": date });
  const A = "Sun, 01 Jun 2025 08:30:00 GMT";
  const B = "Mon, 02 Jun 2025 08:30:00 GMT";

  it("keeps one date per feed or calendar, whatever the page, and nothing for other documents", () => {
    const documents = new Map([
      ["/feed.xml", lm(A)],
      ["/page/2/feed.xml", lm(A)],
      ["/tags/x/page/3/atom.xml", lm(B)],
      ["/tags/x/events.ics", lm(B)],
      ["/briefings/one", lm(A)],
      ["/sitemap.xml", lm(A)],
    ]);
    expect(lastModifiedBySeries(documents)).toEqual({
      "/feed.xml": A,
      "/tags/x/atom.xml": B,
      "/tags/x/events.ics": B,
    });
    expect(seriesOf("/outcomes/page/12/feed.json")).toBe("/outcomes/feed.json");
  });

  it("stops the build when pages of one feed disagree, or a feed has no date", () => {
    expect(() =>
      lastModifiedBySeries(
        new Map([
          ["/feed.xml", lm(A)],
          ["/page/2/feed.xml", lm(B)],
        ]),
      ),
    ).toThrow(/other pages of \/feed\.xml/);
    expect(() => lastModifiedBySeries(new Map([["/atom.xml", new Headers()]]))).toThrow(/without Last-Modified/);
  });
});

describe("conditional GET (RFC 9110 §13.1)", () => {
  const validators = { etag: '"abc"', lastModified: "Sun, 01 Jun 2025 08:30:00 GMT" };

  it("answers If-None-Match by weak comparison, and lets it take precedence over If-Modified-Since", () => {
    expect(notModified('"abc"', null, validators)).toBe(true);
    expect(notModified('W/"abc"', null, validators)).toBe(true);
    expect(notModified('"x", W/"abc"', null, validators)).toBe(true);
    expect(notModified("*", null, validators)).toBe(true);
    expect(notModified('"x"', validators.lastModified, validators)).toBe(false);
    expect(notModified('"abc"', "Sat, 01 Jan 2000 00:00:00 GMT", validators)).toBe(true);
  });

  it("answers If-Modified-Since from Last-Modified when no If-None-Match is sent", () => {
    expect(notModified(null, validators.lastModified, validators)).toBe(true);
    expect(notModified(null, "Mon, 02 Jun 2025 00:00:00 GMT", validators)).toBe(true);
    expect(notModified(null, "Sun, 01 Jun 2025 08:29:59 GMT", validators)).toBe(false);
    expect(notModified(null, "not a date", validators)).toBe(false);
    expect(notModified(null, validators.lastModified, { etag: '"abc"' })).toBe(false);
  });

  it("leaves If-None-Match to the etag middleware when given no ETag", () => {
    expect(notModified('"abc"', validators.lastModified, { lastModified: validators.lastModified })).toBe(false);
  });
});
