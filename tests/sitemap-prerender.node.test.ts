// The build of a sitemap split into several files: hono/ssg writes each numbered file the index
// lists, and `_headers` serves them all with the sitemap's media type and caching.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prerender } from "../src/documents/prerender.ts";
import { SITEMAP_LIMITS } from "../src/web/crawlers.ts";
import { compile, manyBriefings, SEED_FILE } from "./support/fixtures.ts";
import { readSitemap } from "./support/sitemap-rules.ts";

const BASE = "https://briefs.example.net";
const outDir = mkdtempSync(join(tmpdir(), "briefwire-sitemap-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("a split sitemap, built", () => {
  it("writes the index and every file it lists, each with the sitemap's headers", async () => {
    const content = compile(SEED_FILE, ...manyBriefings(25));
    // Throws if a document's headers differ from what `_headers` gives it.
    await prerender(content, { base: BASE, outDir, sitemapLimits: { ...SITEMAP_LIMITS, urls: 10 } });
    const index = readSitemap(readFileSync(join(outDir, "sitemap.xml"), "utf8"));
    if (index.kind !== "sitemapindex") throw new Error(`sitemap.xml is a ${index.kind}`);
    const paths = index.sitemaps.map((s) => new URL(s.loc).pathname);
    // 32 pages in English and the same 32 under /fr/: 64 in files of 10.
    expect(paths).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `/sitemaps/${n}.xml`));
    let pages = 0;
    for (const path of paths) {
      const file = readSitemap(readFileSync(join(outDir, path), "utf8"));
      if (file.kind !== "urlset") throw new Error(`${path} is a ${file.kind}`);
      pages += file.urls.length;
    }
    expect(pages).toBe(64);
    expect(existsSync(join(outDir, "sitemaps", "8.xml"))).toBe(false);
    const headers = readFileSync(join(outDir, "_headers"), "utf8");
    expect(headers).toContain(
      "/sitemaps/:file\n  Content-Type: application/xml; charset=utf-8\n  Cache-Control: public, max-age=3600\n",
    );
    expect(headers).not.toContain("/sitemaps/1.xml");
  }, 60_000);
});
