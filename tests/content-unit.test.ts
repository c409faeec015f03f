// The content pipeline: data/ files → validated model, and the errors a publisher sees.
import { describe, expect, it } from "vitest";
import { ContentError } from "../src/content/compile.ts";
import { renderMarkdown, safeHref } from "../src/content/markdown.ts";
import { briefingFile, compile, HOSTILE_FILE, SEED_FILE, SEED_SLUG } from "./support/fixtures.ts";

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ContentError) return e.problems;
    throw e;
  }
  throw new Error("expected the build to fail");
}

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

describe("build errors name the file, the field and the reason", () => {
  it("reports a missing required field", () => {
    const { title: _, ...noTitle } = valid;
    expect(problemsOf(() => compile(briefingFile("x", noTitle)))).toEqual([
      expect.stringMatching(/^data\/briefings\/x\.md: title: /),
    ]);
  });

  it("reports a date without an offset", () => {
    const problems = problemsOf(() => compile(briefingFile("x", { ...valid, published: "2025-01-01T00:00:00" })));
    expect(problems).toEqual([expect.stringMatching(/^data\/briefings\/x\.md: published: must be an RFC 3339/)]);
  });

  it("reports an empty outcomes list and duplicate outcome ids", () => {
    expect(problemsOf(() => compile(briefingFile("x", { ...valid, outcomes: [] })))).toEqual([
      "data/briefings/x.md: outcomes: needs at least one outcome",
    ]);
    const dup = {
      ...valid,
      outcomes: [
        { id: "a", headline: "1" },
        { id: "a", headline: "2" },
      ],
    };
    expect(problemsOf(() => compile(briefingFile("x", dup)))).toEqual([
      'data/briefings/x.md: outcomes.1.id: duplicate outcome id "a"',
    ]);
  });

  it("reports unknown keys, bad tags and non-numeric figures", () => {
    const bad = {
      ...valid,
      titel: "typo",
      tags: ["Not A Slug"],
      outcomes: [{ id: "a", headline: "H", figures: [{ label: "L", value: "lots" }] }],
    };
    const problems = problemsOf(() => compile(briefingFile("x", bad)));
    expect(problems).toContain("data/briefings/x.md: tags.0: must be a lowercase slug (a-z, 0-9, single hyphens)");
    expect(problems).toContain("data/briefings/x.md: outcomes.0.figures.0.value: must be a number");
    expect(problems.some((p) => p.startsWith("data/briefings/x.md: (front matter): ") && p.includes("titel"))).toBe(
      true,
    );
  });

  it("reports every bad file at once, and a file name that is not a slug", () => {
    const problems = problemsOf(() =>
      compile(
        { path: "data/briefings/Bad Name.md", text: "x" },
        { path: "data/briefings/no-front.md", text: "just text" },
        { path: "data/briefings/bad-yaml.md", text: "---\ntitle: [unclosed\n---\n" },
      ),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^data\/briefings\/Bad Name\.md: \(file name\): /);
    expect(problems[1]).toMatch(/^data\/briefings\/no-front\.md: \(front matter\): /);
    expect(problems[2]).toMatch(/^data\/briefings\/bad-yaml\.md: \(yaml\): /);
  });

  it("accepts a valid file", () => {
    expect(compile(briefingFile("x", valid)).briefings).toHaveLength(1);
  });
});
