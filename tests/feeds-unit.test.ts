// Feed renderers: every format parsed back with a real feed parser and compared with the model,
// checked against the validator's rules, for the seed, hostile text and paged feeds.
import { Validator } from "@cfworker/json-schema";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import type { Content } from "../src/content/schema.ts";
import { renderAtom } from "../src/feeds/atom.ts";
import { buildFeed, type FeedFormat, type FeedKind, PAGE_SIZE } from "../src/feeds/document.ts";
import { extensionSchema } from "../src/feeds/extension.ts";
import { renderJsonFeed } from "../src/feeds/json-feed.ts";
import { renderRss } from "../src/feeds/rss.ts";
import { atomProblems, jsonFeedProblems, rssProblems } from "./support/feed-rules.ts";
import {
  compile,
  HOSTILE_FILE,
  HOSTILE_TITLE,
  HOSTILE_TITLE_IN_XML,
  manyBriefings,
  SEED_FILE,
  SEED_SLUG,
} from "./support/fixtures.ts";

const BASE = "https://briefs.example.net";
const FILES: Record<FeedFormat, string> = { rss: "feed.xml", atom: "atom.xml", json: "feed.json" };
const RENDER = { rss: renderRss, atom: renderAtom, json: renderJsonFeed };

function render(content: Content, format: FeedFormat, feed: FeedKind = { kind: "briefings" }, page = 1) {
  const result = buildFeed(content, { feed, format, page, base: BASE });
  if (!result.ok) throw new Error(result.reason);
  return RENDER[format](result.doc);
}

function problems(format: FeedFormat, body: string, url: string) {
  if (format === "rss") return rssProblems(body, url);
  if (format === "atom") return atomProblems(body, url);
  return jsonFeedProblems(body, url);
}

const seedContent = compile(SEED_FILE);
const seed = seedContent.briefings[0]!;
const seedUrl = `${BASE}/briefings/${SEED_SLUG}`;

describe("the seed, read back by a feed parser", () => {
  it("RSS 2.0 carries the briefing field by field", () => {
    const feed = parseRssFeed(render(seedContent, "rss"));
    expect(feed.title).toBe("briefwire");
    expect(feed.items).toHaveLength(1);
    const item = feed.items![0]!;
    expect(item.title).toBe(seed.title);
    expect(item.link).toBe(seedUrl);
    expect(item.guid).toEqual({ value: seedUrl, isPermaLink: true });
    expect(new Date(item.pubDate!).toISOString()).toBe("2024-10-16T12:00:00.000Z");
    expect(item.categories?.map((c) => c.name)).toEqual(seed.tags);
    for (const o of seed.outcomes) expect(item.content?.encoded).toContain(`<li id="${o.id}"><strong>`);
    expect(item.content?.encoded).toContain("Military assistance provided in H1 2024: €20.9 billion");
  });

  it("Atom 1.0 carries the briefing field by field", () => {
    const feed = parseAtomFeed(render(seedContent, "atom"));
    expect(feed.id).toBe(`${BASE}/atom.xml`);
    const entry = feed.entries![0]!;
    expect(entry.id).toBe(seedUrl);
    expect(entry.title).toEqual({ value: seed.title, type: "text" });
    expect(entry.published).toBe("2024-10-16T12:00:00Z");
    expect(entry.updated).toBe("2024-10-16T12:00:00Z");
    expect(entry.links?.[0]?.href).toBe(seedUrl);
    expect(entry.summary).toEqual({ value: seed.summary, type: "text" });
    for (const o of seed.outcomes) expect((entry.content as { value: string }).value).toContain(o.id);
  });

  it("JSON Feed 1.1 carries the briefing and its outcomes as data", () => {
    const feed = parseJsonFeed(render(seedContent, "json"));
    expect(feed.title).toBe("briefwire");
    const item = feed.items![0]! as Record<string, unknown> & { _briefwire: { outcomes: unknown[] } };
    expect(item.id).toBe(seedUrl);
    expect(item.date_published).toBe("2024-10-16T12:00:00Z");
    const raw = JSON.parse(render(seedContent, "json"));
    expect(raw.version).toBe("https://jsonfeed.org/version/1.1");
    expect(raw.items[0]._briefwire.about).toBe(`${BASE}/about/json-feed-extension`);
    expect(raw.items[0]._briefwire.briefing).toEqual({ slug: seed.slug, title: seed.title, url: seedUrl });
    expect(raw.items[0]._briefwire.outcomes.map((o: { id: string }) => o.id)).toEqual(seed.outcomes.map((o) => o.id));
    const aid = raw.items[0]._briefwire.outcomes.find((o: { id: string }) => o.id === "ukraine-military-aid");
    expect(aid).toEqual({
      id: "ukraine-military-aid",
      url: `${seedUrl}#ukraine-military-aid`,
      headline: "Allies provided €20.9 billion of military aid to Ukraine in the first half of 2024",
      detail: seed.outcomes[2]?.detail,
      figures: [
        {
          label: "Military assistance provided in H1 2024",
          value: 20.9,
          unit: "EUR bn",
          amount: 20_900_000_000,
          currency: "EUR",
          text: "€20.9 billion",
        },
        {
          label: "Annual pledge",
          value: 40,
          unit: "EUR bn",
          amount: 40_000_000_000,
          currency: "EUR",
          text: "€40 billion",
        },
      ],
    });
  });

  it("every feed carries icons: JSON Feed icon and favicon, Atom icon and logo, an RSS image", () => {
    const json = JSON.parse(render(seedContent, "json"));
    expect(json.icon).toBe(`${BASE}/icon-512.png`);
    expect(json.favicon).toBe(`${BASE}/icon-64.png`);
    expect(json._briefwire).toEqual({ about: `${BASE}/about/json-feed-extension` });
    const atom = parseAtomFeed(render(seedContent, "atom"));
    expect(atom.icon).toBe(`${BASE}/favicon.ico`);
    expect(atom.logo).toBe(`${BASE}/icon-512.png`);
    const rss = parseRssFeed(render(seedContent, "rss"));
    expect(rss.image).toEqual({
      url: `${BASE}/icon-144.png`,
      title: "briefwire",
      link: `${BASE}/`,
      width: 144,
      height: 144,
    });
  });

  it("the _briefwire extension matches its published JSON Schema, in every JSON feed", () => {
    const validator = new Validator(extensionSchema(BASE) as object, "2020-12", false);
    for (const feed of [{ kind: "briefings" }, { kind: "outcomes" }, { kind: "briefings", tag: "ukraine" }] as const) {
      const result = validator.validate(JSON.parse(render(seedContent, "json", feed)));
      expect(result.errors, JSON.stringify(feed)).toEqual([]);
    }
    // The schema is not a formality: a figure without its amount is refused.
    const broken = JSON.parse(render(seedContent, "json"));
    delete broken.items[0]._briefwire.outcomes[2].figures[0].amount;
    expect(validator.validate(broken).valid).toBe(false);
  });

  it("the outcomes feeds have one entry per key outcome, with fragment ids", () => {
    for (const format of ["rss", "atom", "json"] as const) {
      const body = render(seedContent, format, { kind: "outcomes" });
      expect(problems(format, body, `${BASE}/outcomes/${FILES[format]}`)).toEqual([]);
    }
    const atom = parseAtomFeed(render(seedContent, "atom", { kind: "outcomes" }));
    expect(atom.entries?.map((e) => e.id)).toEqual(seed.outcomes.map((o) => `${seedUrl}#${o.id}`));
    expect(atom.entries?.map((e) => (e.title as { value: string }).value)).toEqual(
      seed.outcomes.map((o) => o.headline),
    );
  });

  it("every format passes the validator's rules, warnings included", () => {
    for (const format of ["rss", "atom", "json"] as const) {
      expect(problems(format, render(seedContent, format), `${BASE}/${FILES[format]}`)).toEqual([]);
      const tagged = render(seedContent, format, { kind: "briefings", tag: "ukraine" });
      expect(problems(format, tagged, `${BASE}/tags/ukraine/${FILES[format]}`)).toEqual([]);
    }
  });

  it("ids depend on the slug, not the title", () => {
    const retitled = compile({ ...SEED_FILE, text: SEED_FILE.text.replace(seed.title, "A new title") });
    const before = JSON.parse(render(seedContent, "json")).items.map((i: { id: string }) => i.id);
    const after = JSON.parse(render(retitled, "json")).items.map((i: { id: string }) => i.id);
    expect(after).toEqual(before);
    expect(JSON.parse(render(retitled, "json")).items[0].title).toBe("A new title");
  });
});

describe("hostile text", () => {
  const content = compile(HOSTILE_FILE, SEED_FILE);

  it("keeps every feed valid under the validator's rules", () => {
    for (const format of ["rss", "atom", "json"] as const) {
      for (const [feed, prefix] of [
        [{ kind: "briefings" }, ""],
        [{ kind: "outcomes" }, "/outcomes"],
        [{ kind: "briefings", tag: "r-and-d" }, "/tags/r-and-d"],
      ] as const) {
        const body = render(content, format, feed);
        expect(problems(format, body, `${BASE}${prefix}/${FILES[format]}`), `${format} ${prefix}`).toEqual([]);
      }
    }
  });

  it("reads back the literal title in every format (XML loses only what XML cannot carry)", () => {
    expect(parseRssFeed(render(content, "rss")).items?.[0]?.title).toBe(HOSTILE_TITLE_IN_XML);
    expect((parseAtomFeed(render(content, "atom")).entries![0]!.title as { value: string }).value).toBe(
      HOSTILE_TITLE_IN_XML,
    );
    expect(JSON.parse(render(content, "json")).items[0].title).toBe(HOSTILE_TITLE);
  });

  it("reads back literal figures and outcome headlines with < & ]]>", () => {
    const outcomes = parseAtomFeed(render(content, "atom", { kind: "outcomes" }));
    expect((outcomes.entries![0]!.title as { value: string }).value).toBe("Budget < 5 & > 3 ]]> ok");
    const html = (outcomes.entries![0]!.content as { value: string }).value;
    expect(html).toContain("Cost &lt;net&gt; &amp; gross: 1,234.5 € &amp; &lt;m&gt;");
    const json = JSON.parse(render(content, "json"));
    expect(json.items[0]._briefwire.outcomes[0].figures[0]).toEqual({
      label: "Cost <net> & gross",
      value: 1234.5,
      unit: "€ & <m>",
      amount: 1234.5,
      text: "1,234.5 € & <m>",
    });
    expect(json.items[0]._briefwire.outcomes[1].headline).toBe("שלום עולם — right-to-left");
  });

  it("never lets markup from a text field become markup in content", () => {
    const rss = parseRssFeed(render(content, "rss"));
    const html = rss.items?.[0]?.content?.encoded ?? "";
    expect(html).not.toMatch(/<script|<img[^>]*onerror|javascript:/i);
    expect(html).toContain("Summary with &lt;script&gt;alert(1)&lt;/script&gt; &amp; an ampersand");
    expect(html).toContain(`<a href="${BASE}/briefings/other">relative</a>`);
  });

  it("keeps the publisher's offset-dated times as the same instants", () => {
    const json = JSON.parse(render(content, "json"));
    expect(json.items[0].date_published).toBe("2025-06-01T07:30:00Z");
    expect(json.items[0].date_modified).toBe("2025-06-02T10:00:00Z");
  });
});

describe("paging (RFC 5005, JSON Feed next_url)", () => {
  const content = compile(...manyBriefings(120));

  it("splits 120 briefings into pages of 50, newest first, with no entry lost or repeated", () => {
    const ids: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const feed = JSON.parse(render(content, "json", { kind: "briefings" }, page));
      ids.push(...feed.items.map((i: { id: string }) => i.id));
      expect(feed.items.length).toBe(page < 3 ? PAGE_SIZE : 20);
    }
    expect(new Set(ids).size).toBe(120);
    expect(ids[0]).toBe(`${BASE}/briefings/b-0119`);
    expect(ids[119]).toBe(`${BASE}/briefings/b-0000`);
  });

  it("links pages with next/previous/first/last and a self link per page", () => {
    const page2 = parseAtomFeed(render(content, "atom", { kind: "briefings" }, 2));
    const rels = Object.fromEntries((page2.links ?? []).map((l) => [l.rel, l.href]));
    expect(rels).toMatchObject({
      self: `${BASE}/atom.xml?page=2`,
      first: `${BASE}/atom.xml`,
      previous: `${BASE}/atom.xml`,
      next: `${BASE}/atom.xml?page=3`,
      last: `${BASE}/atom.xml?page=3`,
    });
    expect(rssProblems(render(content, "rss", { kind: "briefings" }, 2), `${BASE}/feed.xml?page=2`)).toEqual([]);
    const json3 = JSON.parse(render(content, "json", { kind: "briefings" }, 3));
    expect(json3.next_url).toBeUndefined();
    const json1 = JSON.parse(render(content, "json"));
    expect(json1.next_url).toBe(`${BASE}/feed.json?page=2`);
    expect(json1.feed_url).toBe(`${BASE}/feed.json`);
  });

  it("pages the outcome feed across briefing boundaries", () => {
    const all: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const feed = JSON.parse(render(content, "json", { kind: "outcomes" }, page));
      all.push(...feed.items.map((i: { id: string }) => i.id));
    }
    expect(all).toHaveLength(240);
    expect(new Set(all).size).toBe(240);
    expect(all.slice(49, 52)).toEqual([
      `${BASE}/briefings/b-0095#second`,
      `${BASE}/briefings/b-0094#first`,
      `${BASE}/briefings/b-0094#second`,
    ]);
  });

  it("says there is no page past the end, and no feed for an unknown tag", () => {
    expect(buildFeed(content, { feed: { kind: "briefings" }, format: "rss", page: 4, base: BASE }).ok).toBe(false);
    expect(
      buildFeed(content, { feed: { kind: "briefings", tag: "nope" }, format: "rss", page: 1, base: BASE }).ok,
    ).toBe(false);
  });
});

describe("exact bytes", () => {
  it("are stable for the seed (snapshots)", () => {
    expect(render(seedContent, "rss")).toMatchSnapshot();
    expect(render(seedContent, "atom")).toMatchSnapshot();
    expect(render(seedContent, "json")).toMatchSnapshot();
  });
});

describe("Atom text that looks like HTML", () => {
  it("is sent as escaped HTML, so readers show the literal text and validators see no undeclared HTML", () => {
    const content = compile(HOSTILE_FILE);
    const entry = parseAtomFeed(render(content, "atom")).entries?.[0];
    const summary = entry?.summary as { value: string; type: string };
    expect(summary.type).toBe("html");
    expect(summary.value).toBe(
      "Summary with &lt;script&gt;alert(1)&lt;/script&gt; &amp; an ampersand ]]&gt; and a &quot;quote&quot;.",
    );
  });
});
