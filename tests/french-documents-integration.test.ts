// The site in French: pages, feeds and the calendar under /fr/, each in its language, linked to its
// English version (hreflang and a visible link), an untranslated briefing shown in English and marked
// so, every feed through the validator's rules with hostile text; and the English site as it was.
import { exports } from "cloudflare:workers";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { createDocumentApp } from "../src/documents/app.ts";
import { atomProblems, jsonFeedProblems, rssProblems } from "./support/feed-rules.ts";
import {
  briefingFile,
  compile,
  HOSTILE_FILE,
  HOSTILE_TITLE,
  SEED_FILE,
  SEED_FRENCH_FILE,
  SEED_SLUG,
} from "./support/fixtures.ts";
import { select } from "./support/html.ts";
import { readSitemap } from "./support/sitemap-rules.ts";

const SITE = "http://localhost:8787";
const UNTRANSLATED = briefingFile("budget-talks", {
  title: "Budget talks in Brussels",
  published: "2024-10-20T09:00:00Z",
  summary: "Ministers discuss the budget.",
  tags: ["nato"],
  outcomes: [{ id: "budget", headline: "A budget is agreed" }],
});
const content = compile(SEED_FILE, SEED_FRENCH_FILE, UNTRANSLATED, HOSTILE_FILE);
const documents = createDocumentApp(content, { base: SITE });

async function get(path: string) {
  const doc = await documents.request(path);
  const res = doc.status === 404 ? await exports.default.fetch(new Request(`${SITE}${path}`)) : doc;
  return { res, body: await res.text() };
}

const FRENCH_PAGES = ["/fr/", `/fr/briefings/${SEED_SLUG}`, "/fr/tags/ukraine"];
const english = (path: string) => path.replace(/^\/fr/, "") || "/";

describe("the French pages", () => {
  it.each(FRENCH_PAGES)(
    "%s is in French, with hreflang to both versions and a link to the English one",
    async (path) => {
      const { res, body } = await get(path);
      expect(res.status).toBe(200);
      expect(body).toMatch(/^<!doctype html>\n<html lang="fr">/);
      const alternates = await select(body, "link[rel=alternate][hreflang]");
      expect(Object.fromEntries(alternates.map((l) => [l.attrs.hreflang, l.attrs.href]))).toEqual({
        "en-GB": `${SITE}${english(path)}`,
        fr: `${SITE}${path}`,
        "x-default": `${SITE}${english(path)}`,
      });
      expect((await select(body, "link[rel=canonical]"))[0]?.attrs.href).toBe(`${SITE}${path}`);
      const toEnglish = (await select(body, "ul.languages a"))[0];
      expect(toEnglish).toMatchObject({
        text: "English",
        attrs: { href: english(path), hreflang: "en-GB", lang: "en-GB" },
      });
      // Autodiscovery names the French feeds.
      const feeds = (await select(body, "link[rel=alternate][type]")).map((l) => l.attrs.href);
      expect(feeds).toContain(`${SITE}/fr${path.startsWith("/fr/tags/") ? "/tags/ukraine" : ""}/feed.xml`);
      expect(feeds.every((href) => href?.startsWith(`${SITE}/fr/`))).toBe(true);
      // The interface, from the French catalogue.
      expect((await select(body, "form.subscribe button"))[0]?.text).toBe("S’abonner");
      expect(body).not.toMatch(/Get the key outcomes by email|Latest briefings|Back to the latest/);
    },
  );

  it("shows the briefing in its translation: words, dates and figures in French", async () => {
    const { body } = await get(`/fr/briefings/${SEED_SLUG}`);
    expect((await select(body, "h1"))[0]?.text).toMatch(/^Les ministres de la Défense de l'OTAN/);
    expect((await select(body, "h2#key-outcomes"))[0]?.text).toBe("Principaux résultats");
    expect(body).toContain('<time datetime="2024-10-16T12:00:00Z">16 octobre 2024</time>');
    expect(body).toContain("17–18 octobre 2024");
    const figures = (await select(body, "ul.figures li")).map((f) => f.text);
    expect(figures).toContain("Assistance militaire fournie au premier semestre 2024\u00a0: 20,9 milliards d'euros");
    expect(body).toContain(`href="/fr/tags/ukraine"`);
    const data = JSON.parse((await select(body, "script[type='application/ld+json']"))[0]?.text ?? "{}");
    expect(data).toMatchObject({ inLanguage: "fr", url: `${SITE}/fr/briefings/${SEED_SLUG}` });
  });

  it("lists an untranslated briefing in English, marked lang=en-GB and 'non traduit', rather than leaving it out", async () => {
    const { body } = await get("/fr/");
    const titles = await select(body, ".briefing-list h2 a");
    expect(titles.map((t) => t.text)).toContain("Budget talks in Brussels");
    const untranslated = titles.find((t) => t.text === "Budget talks in Brussels");
    expect(untranslated?.attrs).toMatchObject({ href: "/fr/briefings/budget-talks", lang: "en-GB" });
    expect(body).toContain("(non traduit)");
    const translated = titles.find((t) => t.text.startsWith("Les ministres"));
    expect(translated?.attrs.lang).toBeUndefined();
    const page = await get("/fr/briefings/budget-talks");
    expect(page.res.status).toBe(200);
    expect(page.body).toMatch(/<html lang="fr">/);
    expect(page.body).toContain('<article lang="en-GB">');
  });

  it("answers an unknown French path with the 404 in French", async () => {
    const { res, body } = await get("/fr/nulle-part");
    expect(res.status).toBe(404);
    expect(body).toMatch(/<html lang="fr">/);
    expect((await select(body, "h1"))[0]?.text).toBe("Page introuvable");
    expect(body).toContain('href="/fr/">Retour aux dernières notes</a>');
  });
});

describe("the English pages", () => {
  it.each(["/", `/briefings/${SEED_SLUG}`, "/tags/ukraine"])(
    "%s keeps its URL and language, and links to French",
    async (path) => {
      const { res, body } = await get(path);
      expect(res.status).toBe(200);
      expect(body).toMatch(/<html lang="en-GB">/);
      const french = `/fr${path === "/" ? "/" : path}`;
      expect((await select(body, "link[rel=alternate][hreflang=fr]"))[0]?.attrs.href).toBe(`${SITE}${french}`);
      expect((await select(body, "ul.languages a"))[0]).toMatchObject({
        text: "Français",
        attrs: { href: french, lang: "fr" },
      });
      expect(body).toContain("Get the key outcomes by email");
    },
  );
});

const FEEDS = [
  ["rss", "feed.xml"],
  ["atom", "atom.xml"],
  ["json", "feed.json"],
] as const;
const PREFIXES = ["/fr", "/fr/outcomes", "/fr/tags/nato", "/fr/tags/r-and-d"];

describe("the French feeds", () => {
  it.each(PREFIXES.flatMap((p) => FEEDS.map(([format, file]) => [format, `${p}/${file}`] as const)))(
    "%s %s declares French and passes the validator's rules, hostile text included",
    async (format, path) => {
      const { res, body } = await get(path);
      expect(res.status).toBe(200);
      const url = `${SITE}${path}`;
      if (format === "rss") {
        expect(rssProblems(body, url)).toEqual([]);
        expect(body).toContain("<language>fr</language>");
      } else if (format === "atom") {
        expect(atomProblems(body, url)).toEqual([]);
        expect(body).toMatch(/<feed xmlns="http:\/\/www.w3.org\/2005\/Atom" xml:lang="fr">/);
      } else {
        expect(jsonFeedProblems(body, url)).toEqual([]);
        expect(JSON.parse(body).language).toBe("fr");
      }
    },
  );

  it("carries the translation, linking to the French pages, and marks an untranslated entry's language", async () => {
    const rss = parseRssFeed((await get("/fr/feed.xml")).body);
    const seed = rss.items?.find((i) => i.link === `${SITE}/fr/briefings/${SEED_SLUG}`);
    expect(seed?.title).toMatch(/^Les ministres de la Défense/);
    expect(seed?.content?.encoded ?? seed?.description).toMatch(/Principaux résultats/);
    const atom = parseAtomFeed((await get("/fr/atom.xml")).body);
    expect(atom.entries?.map((e) => e.id)).toContain(`${SITE}/fr/briefings/${SEED_SLUG}`);
    const json = parseJsonFeed((await get("/fr/feed.json")).body);
    const untranslated = (json.items ?? []).find((i) => i.id === `${SITE}/fr/briefings/budget-talks`);
    expect(untranslated).toMatchObject({ title: "Budget talks in Brussels", language: "en-GB" });
    expect((json.items ?? []).find((i) => i.title === HOSTILE_TITLE)?.language).toBe("en-GB");
    expect((await get("/fr/atom.xml")).body).toContain('<entry xml:lang="en-GB">');
    const outcomes = JSON.parse((await get("/fr/outcomes/feed.json")).body);
    expect(outcomes.title).toBe("briefwire : principaux résultats");
    expect(JSON.stringify(outcomes)).toContain("20,9 milliards d'euros");
  });

  it("keeps the English feeds in English", async () => {
    const { body } = await get("/feed.xml");
    expect(body).toContain("<language>en-GB</language>");
    expect(body).not.toContain("/fr/");
  });
});

describe("the French calendar and sitemap", () => {
  it("/fr/events.ics describes the event in French, linking to the French page, under its own UID", async () => {
    const { res, body } = await get("/fr/events.ics");
    expect(res.status).toBe(200);
    const unfolded = body.replace(/\r\n[ \t]/g, "");
    expect(unfolded).toContain(`UID:${SEED_SLUG}.fr@briefwire.example.org`);
    expect(unfolded).toContain(`URL:${SITE}/fr/briefings/${SEED_SLUG}`);
    expect(unfolded).toContain("Principaux résultats :");
    expect(unfolded).toContain("SUMMARY:Réunion des ministres de la Défense des pays de l'OTAN");
    expect((await get("/events.ics")).body.replace(/\r\n[ \t]/g, "")).toContain(
      `UID:${SEED_SLUG}@briefwire.example.org`,
    );
  });

  it("the sitemap lists every page in both languages", async () => {
    const { body } = await get("/sitemap.xml");
    const sitemap = readSitemap(body);
    if (sitemap.kind !== "urlset") throw new Error("expected one sitemap file");
    const locs = sitemap.urls.map((u) => u.loc);
    for (const path of ["/", `/briefings/${SEED_SLUG}`, "/tags/ukraine", "/briefings/budget-talks"]) {
      expect(locs).toContain(`${SITE}${path}`);
      expect(locs).toContain(`${SITE}/fr${path}`);
    }
  });
});
