// Renders the documents app to files (hono/ssg) plus the `_headers` file: the static assets a
// deploy uploads beside the Worker. Runs in Node at build time.
import { mkdirSync, writeFileSync } from "node:fs";
import * as fs from "node:fs/promises";
import { join } from "node:path";
import { toSSG } from "hono/ssg";
import type { Content } from "../content/schema.ts";
import { LAST_MODIFIED_PATH } from "../feeds/series.ts";
import { createDocumentApp, type DocumentOptions } from "./app.ts";
import { documentRules, headerMismatches, renderHeadersFile } from "./headers.ts";
import { lastModifiedBySeries } from "./last-modified.ts";

/** File extensions by media type (hono/ssg's own map lacks the JSON Feed and CSS types). */
const EXTENSIONS: Record<string, string> = {
  "text/html": "html",
  "application/rss+xml": "xml",
  "application/atom+xml": "xml",
  "application/xml": "xml",
  "text/xml": "xml",
  "application/feed+json": "json",
  "application/json": "json",
  "application/schema+json": "json",
  "text/css": "css",
  "text/plain": "txt",
  "text/calendar": "ics",
  "image/x-icon": "ico",
  "image/vnd.microsoft.icon": "ico",
  "image/svg+xml": "svg",
  "image/png": "png",
};

/** Headers a document carries that are not the site's common (security) headers. */
const PER_DOCUMENT = new Set(["content-type", "content-length", "etag", "last-modified", "cache-control", "vary"]);

/**
 * The file system hono/ssg writes through, writing each document at once and synchronously: it
 * starts a write per document as soon as it is rendered, and thousands of asynchronous writes in
 * flight run out of file handles (EMFILE) and hold every rendered document in memory meanwhile.
 */
const syncFs = {
  mkdir: async (path: string, options: { recursive: boolean }) => {
    mkdirSync(path, options);
  },
  writeFile: async (path: string, data: string | Uint8Array) => writeFileSync(path, data),
};

export interface PrerenderResult {
  files: number;
  bytes: number;
}

export async function prerender(
  content: Content,
  options: DocumentOptions & { outDir: string },
): Promise<PrerenderResult> {
  const app = createDocumentApp(content, options);
  const documents = new Map<string, Headers>();
  // hono/ssg asks the app for each path; this wrapper notes what headers each document was served with.
  const recording = {
    routes: app.routes,
    fetch: app.fetch,
    request: async (...args: Parameters<typeof app.request>) => {
      const response = await app.request(...args);
      const input = args[0];
      const path = typeof input === "string" ? input : new URL(input instanceof URL ? input : input.url).pathname;
      if (response.status === 200) documents.set(path, response.headers);
      return response;
    },
  } as unknown as typeof app;

  await fs.rm(options.outDir, { recursive: true, force: true });
  const result = await toSSG(recording, syncFs, { dir: options.outDir, extensionMap: EXTENSIONS, concurrency: 16 });
  if (!result.success) throw result.error ?? new Error("prerender failed");

  const home = await app.request("/");
  const common: Record<string, string> = {};
  home.headers.forEach((value, name) => {
    if (!PER_DOCUMENT.has(name)) common[name] = value;
  });
  const rules = documentRules({ ...options, common }, documents);
  const problems = headerMismatches(rules, documents);
  if (problems.length)
    throw new Error(`_headers would change what documents are served with:\n  ${problems.join("\n  ")}`);
  await fs.writeFile(join(options.outDir, "_headers"), renderHeadersFile(rules));
  // The feeds' and calendars' Last-Modified, which the asset layer does not send: the Worker reads it.
  const dates = join(options.outDir, LAST_MODIFIED_PATH);
  mkdirSync(join(dates, ".."), { recursive: true });
  await fs.writeFile(dates, JSON.stringify(lastModifiedBySeries(documents)));

  // hono/ssg lists a path once per time it rendered it.
  const written = new Set([...result.files, join(options.outDir, "_headers"), dates]);
  let bytes = 0;
  for (const file of written) bytes += (await fs.stat(file)).size;
  return { files: written.size, bytes };
}
