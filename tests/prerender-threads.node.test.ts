// The build splits the documents among threads (src/documents/prerender.ts): each renders a disjoint
// share through the same app. Whatever the number of threads, the same files with the same bytes.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prerender } from "../src/documents/prerender.ts";
import { renderShard } from "../src/documents/render-shard.ts";
import { compile, HOSTILE_FILE, manyBriefings, SEED_FILE } from "./support/fixtures.ts";

const out = mkdtempSync(join(tmpdir(), "briefwire-threads-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every file under `dir`, by its path inside it, with its bytes. */
function filesOf(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), readFileSync(path));
  }
  return files;
}

describe("the documents rendered by several threads", () => {
  // Several pages per feed (briefings, outcomes and tags), several months, hostile text.
  const content = compile(SEED_FILE, HOSTILE_FILE, ...manyBriefings(130, ["bulk", "second-tag"]));
  const base = "https://briefs.example.net";

  it("are the files one thread writes, byte for byte", async () => {
    const one = await prerender(content, { base, outDir: join(out, "one"), threads: 1 });
    const three = await prerender(content, { base, outDir: join(out, "three"), threads: 3 });
    const single = filesOf(join(out, "one"));
    const split = filesOf(join(out, "three"));

    expect([...split.keys()].sort()).toEqual([...single.keys()].sort());
    for (const [path, bytes] of single) expect(split.get(path)?.equals(bytes), path).toBe(true);
    expect(three).toEqual(one);
    expect(one.files).toBe(single.size);
    // The shares reached every kind of document.
    for (const path of [
      "_headers",
      "index.html",
      "page/3/feed.xml",
      "outcomes/page/6/atom.xml",
      "tags/second-tag/page/3/feed.json",
      "briefings/b-0007.html",
      "sitemap.xml",
    ]) {
      expect(single.has(path), path).toBe(true);
    }
  }, 60_000);

  it("are each rendered once (hono/ssg also walks the 405 routes, whose GET is the document)", async () => {
    const { files, documents } = await renderShard(
      content,
      { base, outDir: join(out, "once") },
      { index: 0, count: 1 },
    );
    expect(files.length).toBe(new Set(files).size);
    expect(documents.length).toBe(new Set(documents.map(([path]) => path)).size);
    expect(files.length).toBe(filesOf(join(out, "once")).size);
  }, 60_000);
});
