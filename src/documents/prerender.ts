// Renders the documents app to files (hono/ssg) plus the `_headers` file: the static assets a
// deploy uploads beside the Worker. Runs in Node at build time.
import * as fs from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Content } from "../content/schema.ts";
import { LAST_MODIFIED_PATH } from "../feeds/series.ts";
import { localesOf } from "../i18n/locale.ts";
import { documentRules, type HeaderRule, headerMismatches, renderHeadersFile } from "./headers.ts";
import { lastModifiedBySeries } from "./last-modified.ts";
import { renderShard, type Shard, type ShardOptions, type ShardResult } from "./render-shard.ts";

/** Headers a document carries that are not the site's common (security) headers. */
const PER_DOCUMENT = new Set(["content-type", "content-length", "etag", "last-modified", "cache-control", "vary"]);

export interface PrerenderOptions extends ShardOptions {
  /**
   * Threads that render the documents, each a disjoint share. Rendering is CPU-bound (a 10,000-briefing
   * archive is about 15,000 documents and 1 GB). Default: see defaultThreads.
   */
  threads?: number;
}

/**
 * One per core, at most four, and one per 2,000 briefings: a thread takes about half a second to
 * start and copy the content, more than a small archive takes to render; and each holds its own copy
 * of the content and serialises most feed entries itself (a feed page holds 50 entries, and the
 * pages are dealt out in turn), so more threads gain less and less.
 */
function defaultThreads(content: Content): number {
  return Math.max(1, Math.min(availableParallelism(), 4, Math.ceil(content.briefings.length / 2_000)));
}

export interface PrerenderResult {
  files: number;
  bytes: number;
  /** The `_headers` rules written (the Worker repeats them for documents it serves itself). */
  rules: HeaderRule[];
}

function renderInThread(content: Content, options: ShardOptions, shard: Shard): Promise<ShardResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./render-worker.ts", import.meta.url), {
      workerData: { content, options, shard },
    });
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`render thread ${shard.index} stopped (exit code ${code})`)));
  });
}

export async function prerender(content: Content, options: PrerenderOptions): Promise<PrerenderResult> {
  const { threads = defaultThreads(content), ...shardOptions } = options;
  await fs.rm(options.outDir, { recursive: true, force: true });
  const count = Math.max(1, threads);
  const shares =
    count === 1
      ? [await renderShard(content, shardOptions, { index: 0, count })]
      : await Promise.all(
          Array.from({ length: count }, (_, index) => renderInThread(content, shardOptions, { index, count })),
        );

  const documents = new Map<string, Headers>();
  for (const share of shares) for (const [path, headers] of share.documents) documents.set(path, new Headers(headers));
  const home = documents.get("/");
  if (!home) throw new Error("prerender: the home page was not rendered");
  const common: Record<string, string> = {};
  home.forEach((value, name) => {
    if (!PER_DOCUMENT.has(name)) common[name] = value;
  });
  const languagePrefixes = localesOf(content.site)
    .slice(1)
    .map((l) => l.prefix);
  const rules = documentRules({ ...shardOptions, common, languagePrefixes }, documents);
  const problems = headerMismatches(rules, documents);
  if (problems.length)
    throw new Error(`_headers would change what documents are served with:\n  ${problems.join("\n  ")}`);
  await fs.writeFile(join(options.outDir, "_headers"), renderHeadersFile(rules));
  // The feeds' and calendars' Last-Modified, which the asset layer does not send: the Worker reads it.
  const dates = join(options.outDir, LAST_MODIFIED_PATH);
  await fs.mkdir(join(dates, ".."), { recursive: true });
  await fs.writeFile(dates, JSON.stringify(lastModifiedBySeries(documents)));

  // hono/ssg lists a path once per time it rendered it.
  const written = new Set([...shares.flatMap((s) => s.files), join(options.outDir, "_headers"), dates]);
  let bytes = 0;
  for (const file of written) bytes += (await fs.stat(file)).size;
  return { files: written.size, bytes, rules };
}
