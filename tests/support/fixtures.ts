// Content fixtures for tests: the real seed and site, plus briefings generated or written to be hostile.
import { stringify } from "yaml";
import seedFrench from "../../data/briefings/nato-defence-ministers-october-2024.fr.md?raw";
import seed from "../../data/briefings/nato-defence-ministers-october-2024.md?raw";
import site from "../../data/site.yaml?raw";
import { ContentError, compileContent, type SourceFile } from "../../src/content/compile.ts";
import type { Content } from "../../src/content/schema.ts";

export const SEED_SLUG = "nato-defence-ministers-october-2024";
export const SITE_FILE: SourceFile = { path: "data/site.yaml", text: site };
export const SEED_FILE: SourceFile = { path: `data/briefings/${SEED_SLUG}.md`, text: seed };
/** The seed's French translation, written for the project (same facts and figures). */
export const SEED_FRENCH_FILE: SourceFile = { path: `data/briefings/${SEED_SLUG}.fr.md`, text: seedFrench };

export function briefingFile(slug: string, front: Record<string, unknown>, body = "Body text."): SourceFile {
  return { path: `data/briefings/${slug}.md`, text: `---\n${stringify(front)}---\n${body}\n` };
}

/** `n` simple briefings, one a day from 2025-01-01, the newest last in the list. */
export function manyBriefings(n: number, tags: string[] = ["bulk"]): SourceFile[] {
  return Array.from({ length: n }, (_, i) =>
    briefingFile(`b-${String(i).padStart(4, "0")}`, {
      title: `Briefing ${i}`,
      published: new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString(),
      summary: `Summary ${i}.`,
      tags,
      outcomes: [
        { id: "first", headline: `Outcome ${i}.1` },
        { id: "second", headline: `Outcome ${i}.2`, figures: [{ label: "Count", value: i }] },
      ],
    }),
  );
}

/** Text a publisher might paste that breaks naive XML/HTML writers. \u000B cannot exist in XML at all. */
export const HOSTILE_TITLE = "Tom & Jerry <B> ]]> and again ]]> \u000B done 🚀 مرحبا بالعالم";
/** What an XML reader can get back: the same text without U+000B, which XML 1.0 cannot carry. */
export const HOSTILE_TITLE_IN_XML = HOSTILE_TITLE.replace("\u000B", "");

export const HOSTILE_FILE = briefingFile(
  "hostile",
  {
    title: HOSTILE_TITLE,
    published: "2025-06-01T09:30:00+02:00",
    updated: "2025-06-02T10:00:00Z",
    summary: 'Summary with <script>alert(1)</script> & an ampersand ]]> and a "quote".',
    source: { name: "R&D <Lab>", url: "https://example.org/?a=1&b=2" },
    tags: ["r-and-d", "ukraine"],
    event: { name: "Talks <in> ]]> Geneva & Bern", start: "2025-05-30" },
    outcomes: [
      {
        id: "money",
        headline: "Budget < 5 & > 3 ]]> ok",
        detail: "Detail with <img src=x onerror=alert(1)>",
        figures: [{ label: "Cost <net> & gross", value: 1234.5, unit: "€ & <m>" }],
      },
      { id: "rtl", headline: "שלום עולם — right-to-left" },
    ],
  },
  [
    "Raw <script>alert('x')</script> and <img src=x onerror=alert(1)> stay text.",
    "",
    "[bad link](javascript:alert(1)) · [relative](../briefings/other) · [anchor](#money) · [ok](https://example.org/a?b=1&c=2)",
    "",
    "![pic](/img/a.png)",
  ].join("\n"),
);

export function compile(...files: SourceFile[]): Content {
  return compileContent(SITE_FILE, files);
}

/** data/site.yaml with English alone: for tests of one language's documents (sitemap splitting). */
export const ONE_LANGUAGE_SITE_FILE: SourceFile = {
  path: "data/site.yaml",
  text: site.replace(/^languages: .*\n/m, "").replace(/^translations:\n(?: {2}.*\n)+/m, ""),
};

export function compileOneLanguage(...files: SourceFile[]): Content {
  return compileContent(ONE_LANGUAGE_SITE_FILE, files);
}

/** The problems a build that must fail reports (every one, as the publisher reads them). */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ContentError) return e.problems;
    throw e;
  }
  throw new Error("expected the build to fail");
}
