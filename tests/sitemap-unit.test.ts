// The sitemap (sitemaps.org protocol): one <urlset> while every public page fits in one file, else a
// <sitemapindex> of numbered <urlset> files, each within the protocol's limits.
import { describe, expect, it } from "vitest";
import { sitemapXml } from "../src/web/crawlers.ts";
import { compile, HOSTILE_FILE, manyBriefings, SEED_FILE } from "./support/fixtures.ts";

const BASE = "https://briefs.example.net";

describe("a sitemap that fits in one file", () => {
  it("is the same bytes as before sitemaps could be split", async () => {
    const content = compile(SEED_FILE, HOSTILE_FILE, ...manyBriefings(12, ["bulk", "more"]));
    await expect(sitemapXml(content, BASE)).toMatchFileSnapshot("__snapshots__/sitemap-one-file.xml");
  });
});
