// data/ files (as text) → the validated Content model. Pure: no file system, so tests can feed it
// fixtures directly; scripts/build-content.ts does the reading and writing.
import { createHash } from "node:crypto";
import { renderMarkdown } from "./markdown.ts";
import { describeIssues, parseYamlSource } from "./problems.ts";
import { type Briefing, type Content, FrontMatterSchema, SiteSchema } from "./schema.ts";
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

const SLUG_FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

/** Splits "---\n<yaml>\n---\n<markdown>". */
function splitFrontMatter(text: string): { yaml: string; body: string } | null {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
  return match ? { yaml: match[1] as string, body: match[2] as string } : null;
}

interface CompiledBriefing {
  briefing: Briefing;
  body: string;
}

function compileBriefing(file: SourceFile, problems: string[]): CompiledBriefing | null {
  const name = file.path.split("/").pop() ?? file.path;
  const slugMatch = SLUG_FILE.exec(name);
  if (!slugMatch) {
    problems.push(
      `${file.path}:1: the file name must be a lowercase slug ending in .md, e.g. nato-defence-ministers.md`,
    );
    return null;
  }
  const slug = slugMatch[1] as string;
  const parts = splitFrontMatter(file.text);
  if (!parts) {
    problems.push(`${file.path}:1: the file must start with its front matter: YAML between two "---" lines`);
    return null;
  }
  // The front matter starts on line 2, under the opening "---".
  const yaml = parseYamlSource(file.path, parts.yaml, 2, problems);
  if (yaml.data === undefined) return null;
  const result = FrontMatterSchema.safeParse(yaml.data);
  if (!result.success) {
    problems.push(...describeIssues(file.path, result.error, yaml.data, yaml));
    return null;
  }
  const front = result.data;
  const briefing = {
    ...front,
    slug,
    tags: [...new Set(front.tags ?? [])],
    bodyHtml: renderMarkdown(parts.body, `/briefings/${slug}`),
  };
  return { briefing, body: parts.body };
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
  const compiled = briefingFiles.flatMap((file) => {
    const one = compileBriefing(file, problems);
    return one ? [{ ...one, path: file.path }] : [];
  });
  if (problems.length || !site.success) throw new ContentError(problems);
  warnings.push(...contentWarnings(compiled.map(({ path, body, briefing }) => ({ path, body, ...briefing }))));
  const briefings = compiled.map((c) => c.briefing).sort(byNewest);
  const model = { site: site.data, briefings };
  const version = createHash("sha256").update(JSON.stringify(model)).digest("base64url").slice(0, 22);
  return { ...model, version };
}
