// What a publisher reads when a file in data/ is wrong: `file:line: what is wrong and what is expected`,
// the line counted as an editor counts it (1-based, in the whole file, front matter fence included).
// YAML syntax errors come from the `yaml` parser, field errors from zod; both are mapped back to the
// line of the YAML node they concern.
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";

export interface ParsedYaml {
  /** The YAML as plain data, or undefined when it has syntax errors (already reported). */
  data: unknown;
  /** The file line (1-based) of the value at `path`, or of its nearest parent that exists. */
  lineOf(path: readonly PropertyKey[], key?: string): number;
}

/** Plain words for the syntax errors a writer makes most; others keep the parser's own wording. */
const SYNTAX_HINTS: Record<string, string> = {
  BLOCK_AS_IMPLICIT_KEY:
    'a value holds ": " (a colon and a space), which YAML reads as the start of another field; put the value in quotes',
  TAB_AS_INDENT: "a tab indents this line; YAML indents with spaces only",
  DUPLICATE_KEY: "this field appears twice; give each field once",
  MISSING_CHAR: "something opened here ([, { or a quote) is never closed",
  BAD_INDENT: "the indentation does not line up, or something opened here ([, { or a quote) is never closed",
};

/**
 * Parses `text`, which starts on line `firstLine` of the file (2 for front matter under its `---`),
 * reporting its first syntax error: one mistake often confuses the parser about the lines after it, and
 * the errors it reports there would send the writer after things that are not wrong.
 */
export function parseYamlSource(path: string, text: string, firstLine: number, problems: string[]): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const fileLine = (offset: number) => lines.linePos(offset).line + firstLine - 1;
  const [error] = doc.errors;
  if (error) {
    const words = SYNTAX_HINTS[error.code] ?? `${error.message.replace(/[:.\s]+$/, "")} (YAML)`;
    problems.push(`${path}:${fileLine(error.pos[0])}: ${words}`);
  }
  const lineOf = (path: readonly PropertyKey[], key?: string): number => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth) as unknown[], true) as Node | undefined;
      if (key !== undefined && depth === path.length && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
        const keyNode = pair?.key as Node | undefined;
        if (keyNode?.range) return fileLine(keyNode.range[0]);
      }
      if (node?.range) return fileLine(node.range[0]);
    }
    return firstLine;
  };
  return { data: doc.errors.length ? undefined : doc.toJS(), lineOf };
}

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  array: "a list",
  object: 'a set of fields ("name: value" lines)',
  boolean: "true or false",
};

/** The field as a writer names it: its key, or "tags item 2" for an entry in a list. */
function fieldName(path: readonly PropertyKey[]): string {
  const last = path.at(-1);
  if (last === undefined) return "the front matter";
  if (typeof last === "number") {
    const list = path.at(-2);
    return `${typeof list === "string" ? list : "list"} item ${last + 1}`;
  }
  return String(last);
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** "2026-02-30" when a value starts with a well-formed day that no calendar has. */
function impossibleDay(value: unknown): string | null {
  const match = typeof value === "string" ? /^(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
  if (!match) return null;
  const [y, m, d] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  const exists = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  return exists ? null : (match[0] as string);
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const name = fieldName(issue.path);
  const value = valueAt(data, issue.path);
  if (issue.code === "invalid_type") {
    if (value === undefined) return `${name} is required`;
    return `${name} must be ${EXPECTED[issue.expected] ?? issue.expected}`;
  }
  const day = impossibleDay(value);
  if (day && (issue.code === "invalid_format" || issue.code === "invalid_union")) {
    return `${name}: date ${day} does not exist`;
  }
  return `${name} ${issue.message}`;
}

/** One problem per zod issue, each at the line of the field it concerns, in the order of the lines. */
export function describeIssues(path: string, error: z.ZodError, data: unknown, yaml: ParsedYaml): string[] {
  const found = error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        line: yaml.lineOf(issue.path, key),
        words: `"${key}" is not a field here (misspelt, or indented under the wrong field?)`,
      }));
    }
    return [{ line: yaml.lineOf(issue.path), words: describeIssue(issue, data) }];
  });
  return found.sort((a, b) => a.line - b.line).map(({ line, words }) => `${path}:${line}: ${words}`);
}
