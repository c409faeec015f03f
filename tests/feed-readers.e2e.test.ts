// Feeds read by a real feed reader library: Universal Feed Parser (Debian's python3-feedparser), the
// parser behind many readers and the reference for how loosely-written feeds are understood.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Content } from "../src/content/schema.ts";
import { renderAtom } from "../src/feeds/atom.ts";
import { buildFeed, type FeedFormat, type FeedKind } from "../src/feeds/document.ts";
import { renderRss } from "../src/feeds/rss.ts";
import { briefingFile, compile, HOSTILE_FILE, HOSTILE_TITLE_IN_XML, SEED_FILE } from "./support/fixtures.ts";

const BASE = "https://briefs.example.net";

interface ReadEntry {
  id: string;
  link: string;
  title: string;
  titleType: string;
  published: string;
  tags: string[];
  content: string;
}

const READER = `
import sys, json, time, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
out = {"bozo": bool(d.bozo), "title": d.feed.get("title"), "entries": []}
for e in d.entries:
    out["entries"].append({
        "id": e.get("id"), "link": e.get("link"), "title": e.get("title"),
        "titleType": e.get("title_detail", {}).get("type"),
        "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", e.published_parsed) if e.get("published_parsed") else None,
        "tags": [t["term"] for t in e.get("tags", [])],
        "content": (e.get("content") or [{"value": ""}])[0]["value"],
    })
print(json.dumps(out))
`;

function read(xml: string): { bozo: boolean; title: string; entries: ReadEntry[] } {
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", READER], { input: xml }).toString());
}

function render(content: Content, format: Exclude<FeedFormat, "json">, feed: FeedKind = { kind: "briefings" }) {
  const result = buildFeed(content, { feed, format, page: 1, base: BASE });
  if (!result.ok) throw new Error(result.reason);
  return (format === "rss" ? renderRss : renderAtom)(result.doc);
}

describe.each(["rss", "atom"] as const)("feedparser reading %s", (format) => {
  it("reads the seed's ids, links, titles, dates, tags and outcomes without complaint", () => {
    const content = compile(SEED_FILE);
    const seed = content.briefings[0]!;
    const feed = read(render(content, format));
    expect(feed.bozo).toBe(false);
    expect(feed.title).toBe("briefwire");
    const entry = feed.entries[0]!;
    expect(entry.id).toBe(`${BASE}/briefings/${seed.slug}`);
    expect(entry.link).toBe(`${BASE}/briefings/${seed.slug}`);
    expect(entry.title).toBe(seed.title);
    expect(entry.published).toBe("2024-10-16T12:00:00Z");
    expect(entry.tags).toEqual(seed.tags);
    for (const o of seed.outcomes) expect(entry.content).toContain(o.id);

    const outcomes = read(render(content, format, { kind: "outcomes" }));
    expect(outcomes.entries.map((e) => e.id)).toEqual(
      seed.outcomes.map((o) => `${BASE}/briefings/${seed.slug}#${o.id}`),
    );
    expect(outcomes.entries.map((e) => e.title)).toEqual(seed.outcomes.map((o) => o.headline));
  });

  it("reads back literal text with &, <, >, ]]>, quotes, emoji and right-to-left script", () => {
    const text = 'Budget < 5 & > 3 ]]> "ok" ]]> 🚀 שלום';
    const content = compile(
      briefingFile("x", {
        title: text,
        published: "2025-01-01T00:00:00Z",
        summary: "S",
        outcomes: [{ id: "a", headline: text }],
      }),
    );
    for (const feed of [{ kind: "briefings" }, { kind: "outcomes" }] as const) {
      const read1 = read(render(content, format, feed));
      expect(read1.bozo).toBe(false);
      expect(read1.entries[0]?.title).toBe(text);
    }
  });

  it("survives the hostile fixture: well-formed, scripts inert, links absolute", () => {
    const feed = read(render(compile(HOSTILE_FILE), format));
    expect(feed.bozo).toBe(false);
    const entry = feed.entries[0]!;
    expect(entry.content).not.toMatch(/<script|<img[^>]*onerror|javascript:/i);
    expect(entry.content).toContain("&lt;script&gt;");
    expect(entry.content).toContain(`href="${BASE}/briefings/other"`);
  });
});

it("Atom carries a title that looks like HTML as plain text, exactly", () => {
  const feed = read(render(compile(HOSTILE_FILE), "atom"));
  expect(feed.entries[0]?.titleType).toBe("text/plain");
  expect(feed.entries[0]?.title).toBe(HOSTILE_TITLE_IN_XML);
});
