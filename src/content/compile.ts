// data/ files (as text) → the validated Content model. Pure: no file system, so tests can feed it
// fixtures directly; scripts/build-content.ts does the reading and writing.
import { createHash } from "node:crypto";
import type { z } from "zod";
import { renderMarkdown } from "./markdown.ts";
import { describeIssues, parseYamlSource } from "./problems.ts";
import { type Briefing, type Content, FrontMatterSchema, type Site, SiteSchema } from "./schema.ts";
import { BRIEFING_FILE, translatedText, translationSchema } from "./translations.ts";
import { contentWarnings } from "./warnings.ts";

export interface SourceFile {
  /** Path as the publisher knows it, e.g. "data/briefings/nato-dmm-2024-10.md". */
  path: string;
  text: string;
}

/** Every problem of a build, each in the form a publisher can act on: `file:line: what is wrong`. */
export class ContentError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.problems = problems;
    this.name = "ContentError";
  }
}

/** Splits "---\n<yaml>\n---\n<markdown>". */
function splitFrontMatter(text: string): { yaml: string; body: string } | null {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
  return match ? { yaml: match[1] as string, body: match[2] as string } : null;
}

interface CompiledBriefing {
  briefing: Briefing;
  body: string;
}

/** The file's slug and, for a translation, its language; null (with the problem) for a bad name. */
function fileName(file: SourceFile, problems: string[]): { slug: string; language?: string } | null {
  const name = file.path.split("/").pop() ?? file.path;
  const match = BRIEFING_FILE.exec(name);
  if (!match) {
    problems.push(
      `${file.path}:1: the file name must be a lowercase slug ending in .md, e.g. nato-defence-ministers.md (a translation: nato-defence-ministers.fr.md)`,
    );
    return null;
  }
  return { slug: match[1] as string, ...(match[2] ? { language: match[2] } : {}) };
}

/** The front matter, parsed and checked with `schema`, and the Markdown body; null when it has problems. */
function readFront<T>(file: SourceFile, schema: z.ZodType<T>, problems: string[]): { front: T; body: string } | null {
  const parts = splitFrontMatter(file.text);
  if (!parts) {
    problems.push(`${file.path}:1: the file must start with its front matter: YAML between two "---" lines`);
    return null;
  }
  // The front matter starts on line 2, under the opening "---".
  const yaml = parseYamlSource(file.path, parts.yaml, 2, problems);
  if (yaml.data === undefined) return null;
  const result = schema.safeParse(yaml.data);
  if (!result.success) {
    problems.push(...describeIssues(file.path, result.error, yaml.data, yaml));
    return null;
  }
  return { front: result.data, body: parts.body };
}

function compileBriefing(file: SourceFile, slug: string, problems: string[]): CompiledBriefing | null {
  const read = readFront(file, FrontMatterSchema, problems);
  if (!read) return null;
  const front = read.front;
  const briefing = {
    ...front,
    slug,
    tags: [...new Set(front.tags ?? [])],
    bodyHtml: renderMarkdown(read.body, `/briefings/${slug}`),
  };
  return { briefing, body: read.body };
}

/**
 * Adds each translation to its original (in place): a translation in a language the site does not
 * list, one without an original, or one that drifts from its original is a problem naming the file.
 */
function addTranslations(
  site: Site | undefined,
  translations: { file: SourceFile; slug: string; language: string }[],
  originals: Map<string, CompiledBriefing & { path: string }>,
  problems: string[],
): void {
  for (const { file, slug, language } of translations) {
    const others = site?.languages.slice(1) ?? [];
    if (site && !others.includes(language)) {
      problems.push(
        others.length
          ? `${file.path}:1: "${language}" is not one of the site's other languages (data/site.yaml languages: ${site.languages.join(", ")})`
          : `${file.path}:1: a translation into "${language}", but data/site.yaml lists no other language (add languages: [${site.languages[0]}, ${language}])`,
      );
      continue;
    }
    const original = originals.get(slug);
    if (!original) {
      // An original with problems of its own is already reported; only a missing one is new.
      if (!problems.some((p) => p.startsWith(`${file.path.replace(/\.[a-z]{2,3}\.md$/, ".md")}:`)))
        problems.push(`${file.path}:1: a translation of "${slug}", but there is no ${slug}.md beside it`);
      continue;
    }
    const read = readFront(file, translationSchema(original.briefing), problems);
    if (!read) continue;
    const bodyHtml = renderMarkdown(read.body, `/${language}/briefings/${slug}`);
    original.briefing.translations = {
      ...original.briefing.translations,
      [language]: translatedText(original.briefing, read.front, bodyHtml),
    };
  }
}

/** Newest first; ties broken by slug so the order never depends on the file system. */
function byNewest(a: Briefing, b: Briefing): number {
  return Date.parse(b.published) - Date.parse(a.published) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}

/**
 * Compiles every file, collecting every problem of every file before failing (one ContentError with
 * all of them). Mistakes that still make a valid site are added to `warnings`.
 */
export function compileContent(siteFile: SourceFile, briefingFiles: SourceFile[], warnings: string[] = []): Content {
  const problems: string[] = [];
  const siteYaml = parseYamlSource(siteFile.path, siteFile.text, 1, problems);
  const site = SiteSchema.safeParse(siteYaml.data ?? {});
  if (siteYaml.data !== undefined && !site.success)
    problems.push(...describeIssues(siteFile.path, site.error, siteYaml.data, siteYaml));
  const originals = new Map<string, CompiledBriefing & { path: string }>();
  const translations: { file: SourceFile; slug: string; language: string }[] = [];
  for (const file of briefingFiles) {
    const name = fileName(file, problems);
    if (!name) continue;
    if (name.language) {
      translations.push({ file, slug: name.slug, language: name.language });
      continue;
    }
    const one = compileBriefing(file, name.slug, problems);
    if (one) originals.set(name.slug, { ...one, path: file.path });
  }
  addTranslations(site.success ? site.data : undefined, translations, originals, problems);
  const compiled = [...originals.values()];
  if (problems.length || !site.success) throw new ContentError(problems);
  warnings.push(...contentWarnings(compiled.map(({ path, body, briefing }) => ({ path, body, ...briefing }))));
  const briefings = compiled.map((c) => c.briefing).sort(byNewest);
  const model = { site: site.data, briefings };
  const version = createHash("sha256").update(JSON.stringify(model)).digest("base64url").slice(0, 22);
  return { ...model, version };
}
