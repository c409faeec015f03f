// Translations in the content model: <slug>.fr.md beside <slug>.md shares the briefing's identity and
// carries its own words; a translation that drifts, has no original or is in a language the site does
// not list stops the build with the file, the line and the field.
import { describe, expect, it } from "vitest";
import { compileContent, type SourceFile } from "../src/content/compile.ts";
import { briefingIn } from "../src/content/translations.ts";
import { compile, problemsOf, SEED_FILE, SEED_FRENCH_FILE, SEED_SLUG, SITE_FILE } from "./support/fixtures.ts";

/** The French seed with `from` replaced by `to` (a drift a translator could make). */
function frenchWith(from: string | RegExp, to: string): SourceFile {
  const text = SEED_FRENCH_FILE.text.replace(from, to);
  expect(text).not.toBe(SEED_FRENCH_FILE.text);
  return { ...SEED_FRENCH_FILE, text };
}

const lineOf = (file: SourceFile, needle: string) => file.text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("the seed's French translation", () => {
  const content = compile(SEED_FILE, SEED_FRENCH_FILE);
  const seed = content.briefings[0];

  it("is one briefing with a translation, not a second briefing", () => {
    expect(content.briefings.map((b) => b.slug)).toEqual([SEED_SLUG]);
    expect(Object.keys(seed?.translations ?? {})).toEqual(["fr"]);
    expect(content.site.languages).toEqual(["en", "fr"]);
  });

  it("shows its own words over the original's outcome ids, figures and event days", () => {
    const fr = briefingIn(seed!, "fr", "en");
    expect(fr.language).toBe("fr");
    expect(fr.title).toMatch(/^Les ministres de la Défense de l'OTAN/);
    expect(fr.outcomes.map((o) => o.id)).toEqual(seed?.outcomes.map((o) => o.id));
    const aid = fr.outcomes.find((o) => o.id === "ukraine-military-aid");
    expect(aid?.headline).toContain("20,9 milliards d'euros");
    expect(aid?.figures?.map((f) => [f.label, f.value, f.unit])).toEqual([
      ["Assistance militaire fournie au premier semestre 2024", 20.9, "EUR bn"],
      ["Engagement annuel", 40, "EUR bn"],
    ]);
    expect(fr.event).toMatchObject({ start: "2024-10-17", end: "2024-10-18", place: "Siège de l'OTAN, Bruxelles" });
    expect(fr.published).toBe(seed?.published);
    expect(fr.tags).toEqual(seed?.tags);
    expect(fr.bodyHtml).not.toBe(seed?.bodyHtml);
    expect(fr.bodyHtml.length).toBeGreaterThan(200);
  });

  it("leaves the English briefing as it was, and an untranslated one marked English in French", () => {
    expect(briefingIn(seed!, "en", "en")).toBe(seed);
    const alone = compile(SEED_FILE).briefings[0]!;
    expect(briefingIn(alone, "fr", "en")).toMatchObject({ language: "en", title: alone.title });
  });

  it("changes the content version, so every document that shows it is rebuilt", () => {
    expect(content.version).not.toBe(compile(SEED_FILE).version);
  });
});

describe("a translation that drifts from its original", () => {
  it("names a changed outcome id at its line, with the original's id", () => {
    const file = frenchWith("id: wiesbaden-command", "id: wiesbaden");
    expect(problemsOf(() => compile(SEED_FILE, file))).toEqual([
      `${file.path}:${lineOf(file, "id: wiesbaden")}: id is "wiesbaden"; the original's outcome 2 is "wiesbaden-command"`,
    ]);
  });

  it("names an event day that differs", () => {
    const file = frenchWith("end: 2024-10-18", "end: 2024-10-19");
    expect(problemsOf(() => compile(SEED_FILE, file))).toEqual([
      `${file.path}:${lineOf(file, "end: 2024-10-19")}: end differs from the original's (2024-10-18)`,
    ]);
  });

  it("names a figure whose value was changed instead of its label only", () => {
    const file = frenchWith("value: 20.9", "value: 20");
    const [problem, ...rest] = problemsOf(() => compile(SEED_FILE, file));
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /\.fr\.md:\d+: figures differ from the original's values and units \(20\.9 EUR bn, 40 EUR bn\)/,
    );
  });

  it("names a missing outcome, a different published date and different tags", () => {
    const file = frenchWith("published: 2024-10-16T12:00:00Z", "published: 2024-10-17T12:00:00Z");
    const tags = { ...file, text: file.text.replace("tags: [nato, ukraine,", "tags: [nato,") };
    const problems = problemsOf(() => compile(SEED_FILE, tags));
    expect(problems).toEqual([
      expect.stringMatching(/:3: published differs from the original's \(2024-10-16T12:00:00Z\)/),
      expect.stringMatching(/:\d+: tags differ from the original's \(nato, ukraine, defence-industry, indo-pacific\)/),
    ]);
  });

  it("is refused with no original, in a language the site does not list, or in the default language", () => {
    const orphan = { ...SEED_FRENCH_FILE, path: "data/briefings/no-such-briefing.fr.md" };
    const german = { ...SEED_FRENCH_FILE, path: `data/briefings/${SEED_SLUG}.de.md` };
    const english = { ...SEED_FRENCH_FILE, path: `data/briefings/${SEED_SLUG}.en.md` };
    expect(problemsOf(() => compile(SEED_FILE, orphan, german, english))).toEqual([
      'data/briefings/no-such-briefing.fr.md:1: a translation of "no-such-briefing", but there is no no-such-briefing.md beside it',
      `data/briefings/${SEED_SLUG}.de.md:1: "de" is not one of the site's other languages (data/site.yaml languages: en, fr)`,
      `data/briefings/${SEED_SLUG}.en.md:1: "en" is not one of the site's other languages (data/site.yaml languages: en, fr)`,
    ]);
  });
});

describe("site.yaml languages", () => {
  const site = (languages: string) => ({
    ...SITE_FILE,
    text: SITE_FILE.text.replace(/^languages: .*$/m, `languages: ${languages}`),
  });

  it("must start with the site's own language and list each once", () => {
    expect(problemsOf(() => compileContent(site("[fr, en]"), [SEED_FILE]))).toEqual([
      expect.stringMatching(
        /^data\/site\.yaml:\d+: languages item 1 must be "en", the site's language \(language: en-GB\)/,
      ),
    ]);
    expect(problemsOf(() => compileContent(site("[en, fr, fr]"), [SEED_FILE]))).toEqual([
      expect.stringMatching(/^data\/site\.yaml:\d+: languages item 3 "fr" is listed twice$/),
    ]);
    const german = { ...site("[en, de]"), text: site("[en, de]").text.replace(/^translations:\n( {2}.*\n)+/m, "") };
    expect(problemsOf(() => compileContent(german, [SEED_FILE]))).toEqual([
      expect.stringMatching(
        /^data\/site\.yaml:\d+: languages item 2 "de" has no message catalogue yet \(src\/i18n\/messages\.ts has en, fr\)$/,
      ),
    ]);
  });

  it("defaults to the site's language alone, where a translation is refused", () => {
    const one = {
      ...SITE_FILE,
      text: SITE_FILE.text.replace(/^languages: .*$/m, "").replace(/^translations:\n( {2}.*\n)+/m, ""),
    };
    expect(compileContent(one, [SEED_FILE]).site.languages).toEqual(["en"]);
    expect(problemsOf(() => compileContent(one, [SEED_FILE, SEED_FRENCH_FILE]))).toEqual([
      `${SEED_FRENCH_FILE.path}:1: a translation into "fr", but data/site.yaml lists no other language (add languages: [en, fr])`,
    ]);
  });
});
