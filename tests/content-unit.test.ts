// The content pipeline: data/ files → validated model, and the errors a publisher sees.
import { describe, expect, it } from "vitest";
import { compileContent, type SourceFile } from "../src/content/compile.ts";
import { renderMarkdown, safeHref } from "../src/content/markdown.ts";
import {
  briefingFile,
  compile,
  HOSTILE_FILE,
  problemsOf,
  SEED_FILE,
  SEED_SLUG,
  SITE_FILE,
} from "./support/fixtures.ts";

const valid = {
  title: "T",
  published: "2025-01-01T00:00:00Z",
  summary: "S.",
  outcomes: [{ id: "a", headline: "H" }],
};

describe("the seed briefing", () => {
  const content = compile(SEED_FILE);
  const seed = content.briefings[0];

  it("compiles with the five key outcomes the contract lists, in order", () => {
    expect(seed?.slug).toBe(SEED_SLUG);
    expect(seed?.outcomes.map((o) => o.id)).toEqual([
      "standardisation",
      "wiesbaden-command",
      "ukraine-military-aid",
      "nato-ukraine-council",
      "indo-pacific-partners",
    ]);
  });

  it("carries the figures, the event and the source", () => {
    const aid = seed?.outcomes.find((o) => o.id === "ukraine-military-aid");
    expect(aid?.figures).toEqual([
      { label: "Military assistance provided in H1 2024", value: 20.9, unit: "EUR bn" },
      { label: "Annual pledge", value: 40, unit: "EUR bn" },
    ]);
    expect(seed?.event).toMatchObject({ start: "2024-10-17", end: "2024-10-18", place: "NATO Headquarters, Brussels" });
    expect(seed?.source?.name).toBe("NATO");
    expect(seed?.published).toBe("2024-10-16T12:00:00Z");
  });

  it("renders the Markdown body to HTML", () => {
    expect(seed?.bodyHtml).toContain("<h2>Support to Ukraine</h2>");
    expect(seed?.bodyHtml).toContain("<strong>Mark Rutte</strong>");
  });

  it("gets a version that changes when the content changes and only then", () => {
    expect(compile(SEED_FILE).version).toBe(content.version);
    const edited = { ...SEED_FILE, text: SEED_FILE.text.replace("Mark Rutte", "Mark  Rutte") };
    expect(compile(edited).version).not.toBe(content.version);
  });
});

describe("Markdown safety", () => {
  const hostile = compile(HOSTILE_FILE).briefings[0]?.bodyHtml ?? "";

  it("shows raw HTML as text instead of running it", () => {
    expect(hostile).not.toMatch(/<script|<img[^>]*onerror/i);
    expect(hostile).toContain("&lt;script&gt;alert('x')&lt;/script&gt;");
    expect(hostile).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("drops javascript: links but keeps their text, and keeps safe links", () => {
    expect(hostile).not.toMatch(/javascript:/i);
    expect(hostile).toContain("bad link");
    expect(hostile).toContain('<a href="https://example.org/a?b=1&amp;c=2">ok</a>');
  });

  it("resolves relative links against the briefing's page", () => {
    expect(hostile).toContain('<a href="/briefings/other">relative</a>');
    expect(hostile).toContain('<a href="/briefings/hostile#money">anchor</a>');
    expect(hostile).toContain('<img src="/img/a.png" alt="pic">');
  });

  it('judges scheme-relative and ..//host links by where they resolve, never writing href="//host"', () => {
    const page = "/briefings/x";
    const cases: [string, string | null][] = [
      ["..//evil.example", "https://evil.example/"],
      ["../..//evil.example/a", "https://evil.example/a"],
      ["//evil.example/x", "https://evil.example/x"],
      ["/\\evil.example", "https://evil.example/"],
      [".//x", "/briefings//x"],
      ["../other", "/other"],
      ["ftp://evil.example/", null],
      ["javascript:alert(1)", null],
      ["mailto:press@example.org", "mailto:press@example.org"],
    ];
    for (const [href, expected] of cases) expect(safeHref(href, page), href).toBe(expected);
    const body = renderMarkdown("[a](..//evil.example) [b](//evil.example) ![c](..//evil.example/i.png)", page);
    expect(body).not.toMatch(/(href|src)="\/\//);
    expect(body).toContain('<a href="https://evil.example/">a</a>');
  });
});

describe("build errors name the file and the line, and say what is wrong and what is expected", () => {
  /** A file whose lines are given one by one, so each test can say on which line the mistake is. */
  const lines = (...ls: string[]): SourceFile => ({ path: "data/briefings/x.md", text: `${ls.join("\n")}\n` });
  const VALID_LINES = [
    "---",
    "title: A meeting",
    "published: 2025-01-01T00:00:00Z",
    "summary: What was agreed.",
    "outcomes:",
    "  - id: a",
    "    headline: Something was agreed",
    "---",
    "Body text.",
  ];
  const withLine = (n: number, line: string) => VALID_LINES.map((l, i) => (i === n - 1 ? line : l));

  it("counts lines as an editor does: an unquoted colon on line 2 is reported on line 2, with the fix", () => {
    const problems = problemsOf(() => compile(lines(...withLine(2, "title: NATO: a summit"))));
    expect(problems).toEqual([expect.stringMatching(/^data\/briefings\/x\.md:2: .*put the value in quotes$/)]);
  });

  it("reports a tab on line 6 on line 6, in plain words", () => {
    const problems = problemsOf(() => compile(lines(...withLine(7, "\theadline: Something was agreed"))));
    expect(problems).toEqual(["data/briefings/x.md:7: a tab indents this line; YAML indents with spaces only"]);
    const six = [...VALID_LINES.slice(0, 5), "\t- id: a", ...VALID_LINES.slice(6)];
    expect(problemsOf(() => compile(lines(...six)))).toEqual([expect.stringMatching(/^data\/briefings\/x\.md:6: /)]);
  });

  it("ends no message in a stray colon, and prints no parser excerpt", () => {
    const broken = [
      lines(...withLine(2, "title: NATO: a summit")),
      { path: "data/briefings/y.md", text: "---\ntitle: [unclosed\n---\n" },
      lines(...withLine(3, "published: 2025-01-01T00:00:00Z: late")),
    ];
    for (const file of broken)
      for (const problem of problemsOf(() => compile(file))) {
        expect(problem).not.toMatch(/:\s*$/);
        expect(problem).not.toContain("\n");
      }
  });

  it("says a required field is required, at the line where the front matter starts", () => {
    expect(problemsOf(() => compile(lines(...VALID_LINES.filter((l) => !l.startsWith("title")))))).toEqual([
      "data/briefings/x.md:2: title is required",
    ]);
  });

  it("says a date that does not exist does not exist, rather than blaming its format", () => {
    expect(problemsOf(() => compile(lines(...withLine(3, "published: 2026-02-30T10:00:00Z"))))).toEqual([
      "data/briefings/x.md:3: published: date 2026-02-30 does not exist",
    ]);
  });

  it("reports a date without an offset at its line, with the expected form", () => {
    expect(problemsOf(() => compile(lines(...withLine(3, "published: 2025-01-01T00:00:00"))))).toEqual([
      expect.stringMatching(/^data\/briefings\/x\.md:3: published must be an RFC 3339 date-time with an offset/),
    ]);
  });

  it("reports an empty outcomes list and duplicate outcome ids at their lines", () => {
    expect(problemsOf(() => compile(lines(...VALID_LINES.slice(0, 4), "outcomes: []", "---")))).toEqual([
      "data/briefings/x.md:5: outcomes needs at least one outcome",
    ]);
    const dup = [...VALID_LINES.slice(0, 7), "  - id: a", "    headline: Something else", "---"];
    expect(problemsOf(() => compile(lines(...dup)))).toEqual([
      'data/briefings/x.md:8: id "a" is used by another outcome too',
    ]);
  });

  it("reports unknown keys, bad tags and non-numeric figures, each at its own line", () => {
    const bad = [
      ...VALID_LINES.slice(0, 4),
      "titel: typo",
      "tags: [Not A Slug]",
      ...VALID_LINES.slice(4, 7),
      "    figures:",
      "      - label: L",
      "        value: lots",
      "---",
    ];
    expect(problemsOf(() => compile(lines(...bad)))).toEqual([
      'data/briefings/x.md:5: "titel" is not a field here (misspelt, or indented under the wrong field?)',
      "data/briefings/x.md:6: tags item 1 must be a lowercase slug (a-z, 0-9, single hyphens)",
      "data/briefings/x.md:12: value must be a number",
    ]);
  });

  it("reports every bad file at once, and a file name that is not a slug", () => {
    const problems = problemsOf(() =>
      compile(
        { path: "data/briefings/Bad Name.md", text: "x" },
        { path: "data/briefings/no-front.md", text: "just text" },
        { path: "data/briefings/bad-yaml.md", text: "---\ntitle: [unclosed\n---\n" },
        lines(...withLine(2, "title:")),
      ),
    );
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^data\/briefings\/Bad Name\.md:1: the file name must be a lowercase slug/);
    expect(problems[1]).toMatch(/^data\/briefings\/no-front\.md:1: the file must start with its front matter/);
    expect(problems[2]).toMatch(/^data\/briefings\/bad-yaml\.md:2: /);
    expect(problems[3]).toBe("data/briefings/x.md:2: title must be text");
  });

  it("reports a mistake in site.yaml at its line", () => {
    const site = { path: "data/site.yaml", text: SITE_FILE.text.replace(/^language: .*$/m, "language: English") };
    const line = site.text.split("\n").findIndex((l) => l.startsWith("language:")) + 1;
    expect(problemsOf(() => compileContent(site, [SEED_FILE]))).toEqual([
      `data/site.yaml:${line}: language must be a BCP 47 language tag, e.g. en or en-GB`,
    ]);
  });

  it("accepts a valid file", () => {
    expect(compile(briefingFile("x", valid)).briefings).toHaveLength(1);
    expect(compile(lines(...VALID_LINES)).briefings).toHaveLength(1);
  });
});

describe("mistakes that still build are warned about", () => {
  const warningsOf = (...files: SourceFile[]) => {
    const warnings: string[] = [];
    compileContent(SITE_FILE, files, warnings);
    return warnings;
  };

  it("warns about nothing in the seed", () => {
    expect(warningsOf(SEED_FILE)).toEqual([]);
  });

  it("names both files when a briefing is copied to a second file", () => {
    const copy = { ...SEED_FILE, path: "data/briefings/copy-of-the-seed.md" };
    expect(warningsOf(SEED_FILE, copy)).toEqual([
      `data/briefings/copy-of-the-seed.md: has the same title and date as ${SEED_FILE.path}: the briefing would show twice`,
    ]);
  });

  it("names both files when two briefings share a title and a day, or a body", () => {
    const a = briefingFile("a", valid, "One body.");
    const sameTitleAndDay = briefingFile("b", { ...valid, published: "2025-01-01T18:00:00Z" }, "Another body.");
    const sameBody = briefingFile("c", { ...valid, title: "Another title" }, "One  body.\n");
    expect(warningsOf(a, sameTitleAndDay, sameBody)).toEqual([
      "data/briefings/b.md: has the same title and date as data/briefings/a.md: the briefing would show twice",
      "data/briefings/c.md: has the same body as data/briefings/a.md: a copy?",
    ]);
  });

  it("gives the size of a body over what mail clients clip", () => {
    const long = briefingFile("long", valid, "A long paragraph of text. ".repeat(80_000));
    expect(warningsOf(long)).toEqual([
      "data/briefings/long.md: the body is 2,031 KB; mail clients clip messages over 102 KB (Gmail) and every feed carries it in full",
    ]);
    expect(warningsOf(briefingFile("short", valid, "A long paragraph of text. ".repeat(3_000)))).toEqual([]);
  });
});
