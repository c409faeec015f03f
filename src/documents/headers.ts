// The `_headers` file of the static assets: the HTTP headers the asset layer adds to each document,
// so a feed served from storage answers with the same headers the document routes give it (media
// type with charset, Cache-Control, CORS, the WebSub links). Pure: the build writes and checks it.
import { INDEX_PATH, monthPath } from "../content/briefing-index.ts";

export interface HeaderRule {
  /** A `_headers` path pattern: `*` matches anything (also "/"), `:name` one path segment. */
  path: string;
  headers: Record<string, string>;
}

/** Headers a document route sets that the asset layer must repeat (the rest it has its own way for). */
export const DOCUMENT_HEADERS = ["Content-Type", "Cache-Control", "Access-Control-Allow-Origin"] as const;

/** Cloudflare reads at most 100 rules from `_headers`. */
export const MAX_RULES = 100;

export interface HeaderOptions {
  base: string;
  hub?: string;
  /** The prefixes of the site's other languages ("/fr"): their pages are families too. */
  languagePrefixes?: string[];
  /** Headers every document carries (the site's security headers), as the app sets them. */
  common: Record<string, string>;
}

/**
 * The rules for the document families that have one path per briefing, tag or page (too many for a
 * rule each). Documents outside these families get an exact-path rule from their own response.
 */
export function familyRules({
  base,
  hub,
  languagePrefixes = [],
}: Pick<HeaderOptions, "base" | "hub" | "languagePrefixes">): HeaderRule[] {
  const feed = (file: string, type: string): HeaderRule => ({
    path: `/*${file}`,
    headers: {
      "Content-Type": type,
      "Cache-Control": "public, max-age=900",
      "Access-Control-Allow-Origin": "*",
      // WebSub discovery (W3C WebSub §4): the hub and the exact self URL, in the HTTP headers too.
      ...(hub ? { Link: `<${hub}>; rel="hub", <${base}/:splat${file}>; rel="self"` } : {}),
    },
  });
  const page: HeaderRule["headers"] = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "public, max-age=300",
  };
  return [
    feed("feed.xml", "application/rss+xml; charset=utf-8"),
    feed("atom.xml", "application/atom+xml; charset=utf-8"),
    feed("feed.json", "application/feed+json; charset=utf-8"),
    // The events calendars (all, and one per tag): polled like the feeds, read cross-origin by web calendars.
    {
      path: "/*events.ics",
      headers: {
        "Content-Type": "text/calendar; charset=utf-8",
        "Cache-Control": "public, max-age=900",
        "Access-Control-Allow-Origin": "*",
      },
    },
    // The numbered files of a sitemap index (src/web/crawlers.ts): as many as the archive needs.
    {
      path: "/sitemaps/:file",
      headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=3600" },
    },
    ...["", ...languagePrefixes].flatMap((prefix) => [
      { path: `${prefix}/`, headers: page },
      { path: `${prefix}/briefings/:slug`, headers: page },
      { path: `${prefix}/tags/:tag`, headers: page },
    ]),
    {
      path: INDEX_PATH,
      headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300" },
    },
    {
      path: monthPath(":month"),
      headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300" },
    },
  ];
}

// Compiled once per pattern: the build checks every document against every rule.
const compiled = new Map<string, RegExp>();

/** The same matching as the asset layer: `*` → any characters, `:name` → one segment. */
function ruleRegExp(path: string): RegExp {
  let found = compiled.get(path);
  if (!found) {
    found = newRuleRegExp(path);
    compiled.set(path, found);
  }
  return found;
}

function newRuleRegExp(path: string): RegExp {
  const escapeRegExp = (s: string) => s.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&");
  const pattern = path
    .split("*")
    .map(escapeRegExp)
    .join("(?<splat>.*)")
    .replace(/:([A-Za-z]\w*)/g, "(?<$1>[^/]+)");
  return new RegExp(`^${pattern}$`);
}

/** The headers the asset layer adds for `path` under `rules` (a later rule's header is appended). */
export function headersFor(rules: HeaderRule[], path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rule of rules) {
    const match = ruleRegExp(rule.path).exec(path);
    if (!match) continue;
    for (const [name, value] of Object.entries(rule.headers)) {
      let filled = value;
      for (const [k, v] of Object.entries(match.groups ?? {})) filled = filled.replaceAll(`:${k}`, v);
      out[name] = name in out ? `${out[name]}, ${filled}` : filled;
    }
  }
  return out;
}

/**
 * All rules: the site's common headers on every path, the families, and an exact rule for every
 * other document (from the headers its route answered with).
 */
export function documentRules(options: HeaderOptions, documents: Map<string, Headers>): HeaderRule[] {
  const rules: HeaderRule[] = [
    // Every document may only be read; the asset layer answers other methods with 405.
    { path: "/*", headers: { ...options.common, Allow: "GET, HEAD" } },
    ...familyRules(options),
  ];
  // In path order, so the file is the same whatever order the documents were rendered in.
  for (const [path, headers] of [...documents].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (rules.slice(1).some((r) => ruleRegExp(r.path).test(path))) continue;
    const own: Record<string, string> = {};
    for (const name of DOCUMENT_HEADERS) {
      const value = headers.get(name);
      if (value) own[name] = value;
    }
    rules.push({ path, headers: own });
  }
  if (rules.length > MAX_RULES) {
    throw new Error(`_headers: ${rules.length} rules, more than the ${MAX_RULES} Cloudflare reads`);
  }
  return rules;
}

/** Documents whose route answered with other headers than the rules give them: a build error each. */
export function headerMismatches(rules: HeaderRule[], documents: Map<string, Headers>): string[] {
  const problems: string[] = [];
  for (const [path, headers] of documents) {
    const served = headersFor(rules, path);
    for (const name of DOCUMENT_HEADERS) {
      const want = headers.get(name) ?? undefined;
      if (want !== served[name]) {
        problems.push(
          `${path}: ${name}: the route answers ${JSON.stringify(want)}, _headers gives ${JSON.stringify(served[name])}`,
        );
      }
    }
  }
  return problems;
}

export function renderHeadersFile(rules: HeaderRule[]): string {
  return rules
    .map(
      (r) =>
        `${r.path}\n${Object.entries(r.headers)
          .map(([k, v]) => `  ${k}: ${v}\n`)
          .join("")}`,
    )
    .join("");
}
