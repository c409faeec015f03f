// data/ files (as text) → the validated Content model. Pure: no file system, so tests can feed it
// fixtures directly; scripts/build-content.ts does the reading and writing.
import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { renderMarkdown } from "./markdown.ts";
import { type Briefing, type Content, FrontMatterSchema, SiteSchema } from "./schema.ts";

export interface SourceFile {
  /** Path as the publisher knows it, e.g. "data/briefings/nato-dmm-2024-10.md". */
  path: string;
  text: string;
}

/** One problem in one file, in the form a publisher can act on: `file: field: reason`. */
export class ContentError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.problems = problems;
    this.name = "ContentError";
  }
}

const SLUG_FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

function describeIssues(path: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join(".") : "(front matter)";
    return `${path}: ${field}: ${issue.message}`;
  });
}

function parseYamlOrReport(path: string, yamlText: string, problems: string[]): unknown {
  try {
    return parseYaml(yamlText, { uniqueKeys: true });
  } catch (e) {
    problems.push(`${path}: (yaml): ${(e as Error).message.split("\n")[0]}`);
    return undefined;
  }
}

/** Splits "---\n<yaml>\n---\n<markdown>". */
function splitFrontMatter(text: string): { yaml: string; body: string } | null {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
  return match ? { yaml: match[1] as string, body: match[2] as string } : null;
}

function compileBriefing(file: SourceFile, problems: string[]): Briefing | null {
  const name = file.path.split("/").pop() ?? file.path;
  const slugMatch = SLUG_FILE.exec(name);
  if (!slugMatch) {
    problems.push(`${file.path}: (file name): must be a lowercase slug ending in .md, e.g. nato-defence-ministers.md`);
    return null;
  }
  const slug = slugMatch[1] as string;
  const parts = splitFrontMatter(file.text);
  if (!parts) {
    problems.push(`${file.path}: (front matter): must start with a YAML block between two "---" lines`);
    return null;
  }
  const data = parseYamlOrReport(file.path, parts.yaml, problems);
  if (data === undefined) return null;
  const result = FrontMatterSchema.safeParse(data);
  if (!result.success) {
    problems.push(...describeIssues(file.path, result.error));
    return null;
  }
  const front = result.data;
  return {
    ...front,
    slug,
    tags: [...new Set(front.tags ?? [])],
    bodyHtml: renderMarkdown(parts.body, `/briefings/${slug}`),
  };
}

/** Newest first; ties broken by slug so the order never depends on the file system. */
function byNewest(a: Briefing, b: Briefing): number {
  return Date.parse(b.published) - Date.parse(a.published) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}

export function compileContent(siteFile: SourceFile, briefingFiles: SourceFile[]): Content {
  const problems: string[] = [];
  const siteData = parseYamlOrReport(siteFile.path, siteFile.text, problems);
  const site = SiteSchema.safeParse(siteData ?? {});
  if (siteData !== undefined && !site.success) problems.push(...describeIssues(siteFile.path, site.error));
  const briefings = briefingFiles.map((f) => compileBriefing(f, problems)).filter((b): b is Briefing => b !== null);
  if (problems.length || !site.success) throw new ContentError(problems);
  briefings.sort(byNewest);
  const model = { site: site.data, briefings };
  const version = createHash("sha256").update(JSON.stringify(model)).digest("base64url").slice(0, 22);
  return { ...model, version };
}
