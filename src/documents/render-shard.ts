// One share of the documents, rendered by hono/ssg into files: the build splits the documents among
// threads (prerender.ts), each rendering a disjoint share through the same app and routes.
import { mkdirSync, writeFileSync } from "node:fs";
import { toSSG } from "hono/ssg";
import type { Content } from "../content/schema.ts";
import { createDocumentApp, type DocumentOptions } from "./app.ts";

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

/** Share `index` of `count`. */
export interface Shard {
  index: number;
  count: number;
}

export interface ShardOptions extends DocumentOptions {
  outDir: string;
}

export interface ShardResult {
  /** The files written (a path once per time hono/ssg rendered it). */
  files: string[];
  /** Each document's path and the headers it was served with (plain objects: they cross threads). */
  documents: [string, Record<string, string>][];
}

/** hono/ssg's own test: a route with a parameter or wildcard lists its paths with ssgParams. */
const isDynamic = (path: string) => path.split("/").some((s) => s.startsWith(":") || s.includes("*"));

export async function renderShard(content: Content, options: ShardOptions, shard: Shard): Promise<ShardResult> {
  const app = createDocumentApp(content, options);
  const documents: [string, Record<string, string>][] = [];
  // A route without parameters is one document: each goes to one share, by its place among them.
  const fixedPaths = [
    ...new Set(app.routes.filter((r) => r.method === "GET" && !isDynamic(r.path)).map((r) => r.path)),
  ];
  const mine = (path: string) => isDynamic(path) || fixedPaths.indexOf(path) % shard.count === shard.index;
  // What hono/ssg sees of the app: the GET routes of this share; for a route with parameters, every
  // count-th of the paths its ssgParams list (hono/ssg asks for the list with `fetch`, then renders
  // each path with `request`); and each document's headers noted for the `_headers` file.
  const share = {
    // GET only: hono/ssg also renders `app.all` routes, and the 405 route each document path has
    // (rejectOtherMethods) answers hono/ssg's GET with the document, so it rendered every document twice.
    routes: app.routes.filter((r) => r.method === "GET" && mine(r.path)),
    fetch: async (request: Request & { ssgParams?: unknown[] }, env: Parameters<typeof app.fetch>[1]) => {
      const response = await app.fetch(request, env);
      if (request.ssgParams) request.ssgParams = request.ssgParams.filter((_, i) => i % shard.count === shard.index);
      return response;
    },
    request: async (...args: Parameters<typeof app.request>) => {
      const response = await app.request(...args);
      const input = args[0];
      const path = typeof input === "string" ? input : new URL(input instanceof URL ? input : input.url).pathname;
      if (response.status === 200) documents.push([path, Object.fromEntries(response.headers)]);
      return response;
    },
  } as unknown as typeof app;

  const result = await toSSG(share, syncFs, { dir: options.outDir, extensionMap: EXTENSIONS, concurrency: 16 });
  if (!result.success) throw result.error ?? new Error("prerender failed");
  return { files: result.files, documents };
}
