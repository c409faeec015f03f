// The sitemap (sitemaps.org protocol): one <urlset> while every public page fits in one file, else a
// <sitemapindex> of numbered <urlset> files, each within the protocol's limits.
import { describe, expect, it } from "vitest";
import type { Content } from "../src/content/schema.ts";
import { buildSitemap, SITEMAP_LIMITS, type SitemapLimits } from "../src/web/crawlers.ts";
// One language: the sitemap's files and limits are what is tested (the French pages are listed by
// tests/french-documents-integration.test.ts).
import { compileOneLanguage as compile, HOSTILE_FILE, manyBriefings, SEED_FILE } from "./support/fixtures.ts";
import { readSitemap, type SitemapEntry } from "./support/sitemap-rules.ts";

const BASE = "https://briefs.example.net";
const byLoc = (a: SitemapEntry, b: SitemapEntry) => a.loc.localeCompare(b.loc);
const bytes = (s: string) => new TextEncoder().encode(s).length;

/** Every page the one-file sitemap lists, with its last change: what a split sitemap must list too. */
function everyPage(content: Content): SitemapEntry[] {
  const one = readSitemap(buildSitemap(content, BASE).root);
  if (one.kind !== "urlset") throw new Error("expected one file");
  return one.urls;
}

/** Follows the index to its files, checking each as a crawler would; returns their entries in order. */
function followIndex(content: Content, limits: SitemapLimits) {
  const sitemap = buildSitemap(content, BASE, limits);
  const index = readSitemap(sitemap.root);
  if (index.kind !== "sitemapindex") throw new Error(`expected a sitemap index, got a ${index.kind}`);
  expect(index.sitemaps.map((s) => s.loc)).toEqual(sitemap.files.map((_, i) => `${BASE}/sitemaps/${i + 1}.xml`));
  const files = sitemap.files.map((xml, i) => {
    const file = readSitemap(xml);
    if (file.kind !== "urlset") throw new Error("a sitemap index must list <urlset> files");
    expect(file.urls.length).toBeGreaterThan(0);
    expect(file.urls.length).toBeLessThanOrEqual(limits.urls);
    expect(bytes(xml)).toBeLessThanOrEqual(limits.bytes);
    // The index's <lastmod> of a file is the newest change among its pages.
    const newest = file.urls.map((u) => u.lastmod).reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
    expect(index.sitemaps[i]?.lastmod).toBe(newest);
    return file.urls;
  });
  return { sitemap, files, urls: files.flat() };
}

const content = compile(SEED_FILE, HOSTILE_FILE, ...manyBriefings(30, ["bulk", "more"]));

describe("a sitemap that fits in one file", () => {
  it("is the same bytes as before sitemaps could be split", async () => {
    const small = compile(SEED_FILE, HOSTILE_FILE, ...manyBriefings(12, ["bulk", "more"]));
    const sitemap = buildSitemap(small, BASE);
    expect(sitemap.files).toEqual([]);
    await expect(sitemap.root).toMatchFileSnapshot("__snapshots__/sitemap-one-file.xml");
  });

  it("stays one file up to exactly the URL limit", () => {
    const pages = everyPage(content).length;
    const atLimit = buildSitemap(content, BASE, { ...SITEMAP_LIMITS, urls: pages });
    expect(atLimit).toEqual({ root: buildSitemap(content, BASE).root, files: [] });
    expect(readSitemap(buildSitemap(content, BASE, { ...SITEMAP_LIMITS, urls: pages - 1 }).root).kind).toBe(
      "sitemapindex",
    );
  });
});

describe("a sitemap past one file's limits", () => {
  it("becomes an index of files within the URL limit that list every page exactly once", () => {
    const { files, urls } = followIndex(content, { ...SITEMAP_LIMITS, urls: 10 });
    const pages = everyPage(content);
    expect(pages).toHaveLength(40); // the home page, 32 briefings, 7 tag pages
    expect(files).toHaveLength(Math.ceil(pages.length / 10));
    expect([...urls].sort(byLoc)).toEqual([...pages].sort(byLoc));
    expect(new Set(urls.map((u) => u.loc)).size).toBe(urls.length);
  });

  it("keeps each file within the byte limit", () => {
    const { files, urls } = followIndex(content, { ...SITEMAP_LIMITS, bytes: 1_000 });
    expect(files.length).toBeGreaterThan(3);
    expect([...urls].sort(byLoc)).toEqual([...everyPage(content)].sort(byLoc));
  });

  it("is the same bytes for the same content, whatever order the files were read in", () => {
    const limits = { ...SITEMAP_LIMITS, urls: 7 };
    const files = [SEED_FILE, HOSTILE_FILE, ...manyBriefings(30, ["bulk", "more"])];
    const again = compile(...[...files].reverse());
    expect(buildSitemap(again, BASE, limits)).toEqual(buildSitemap(content, BASE, limits));
  });

  it("lists the oldest briefings first, so a new briefing leaves the earlier files as they were", () => {
    const limits = { ...SITEMAP_LIMITS, urls: 10 };
    const before = followIndex(compile(...manyBriefings(40)), limits);
    const after = followIndex(compile(...manyBriefings(41)), limits);
    expect(before.files[0]?.[0]?.loc).toBe(`${BASE}/briefings/b-0000`);
    expect(after.sitemap.files.slice(0, 4)).toEqual(before.sitemap.files.slice(0, 4));
    expect(after.sitemap.files.length).toBe(5);
  });

  it("refuses a page whose entry alone passes the byte limit, rather than write an invalid file", () => {
    expect(() => buildSitemap(content, BASE, { ...SITEMAP_LIMITS, bytes: 150 })).toThrow(/more than the 150 bytes/);
  });
});
