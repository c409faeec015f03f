// The build's side of scheduled publication (see schedule.ts): the documents as of the build, then for
// each later moment the documents that moment changes, and the schedule the Worker reads. Runs in Node.
import * as fs from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { publishedBy, scheduledMoments } from "../content/publication.ts";
import type { Content } from "../content/schema.ts";
import { type PrerenderOptions, type PrerenderResult, prerender } from "./prerender.ts";
import {
  BASE_VERSION,
  publicPathOf,
  SCHEDULE_PATH,
  SCHEDULED_PREFIX,
  type Schedule,
  type ScheduledMoment,
  versionOf,
} from "./schedule.ts";

export interface ScheduledResult extends PrerenderResult {
  /** Null when no briefing is dated after `now`: the documents are exactly as without this step. */
  schedule: Schedule | null;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([fs.readFile(a), fs.readFile(b).catch(() => null)]);
  return y !== null && x.equals(y);
}

/**
 * Renders the documents as readers may see them at `now` into `options.outDir`; then, for each moment a
 * briefing is dated after `now`, the whole site as of that moment into a version folder, keeping only
 * the documents that differ from the build-time ones (new ones included). The build-time version of
 * each such path moves into the `base` folder: the asset layer then has no file at that path and hands
 * its requests to the Worker, which serves the version in force (src/http/scheduled-assets.ts).
 * Each moment costs one more rendering of the site.
 */
export async function prerenderScheduled(
  content: Content,
  options: PrerenderOptions,
  now: number,
): Promise<ScheduledResult> {
  const built = await prerender(publishedBy(content, now), options);
  const later = scheduledMoments(content, now);
  if (!later.length) return { ...built, schedule: null };

  const root = options.outDir;
  const scheduled = join(root, ...SCHEDULED_PREFIX.split("/").filter(Boolean));
  const moments: ScheduledMoment[] = [];
  /** Public path → file, relative to a version folder, for every path some moment changes. */
  const changed = new Map<string, string>();
  let rules = built.rules;
  for (const at of later) {
    const iso = new Date(at).toISOString();
    const version = versionOf(iso);
    const dir = join(scheduled, version);
    const rendered = await prerender(publishedBy(content, at), { ...options, outDir: dir });
    // The newest moment has every document any earlier one has; the family rules are the same in all.
    rules = rendered.rules;
    const paths: string[] = [];
    for (const file of await filesUnder(dir)) {
      const path = join(dir, file);
      if (file === "_headers" || (await sameBytes(path, join(root, file)))) {
        await fs.rm(path);
        continue;
      }
      paths.push(publicPathOf(file));
      changed.set(publicPathOf(file), file);
    }
    moments.push({ at: iso, version, paths: paths.sort() });
  }

  const base: string[] = [];
  for (const [path, file] of changed) {
    const from = join(root, file);
    const exists = await fs.stat(from).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    const to = join(scheduled, BASE_VERSION, file);
    await fs.mkdir(dirname(to), { recursive: true });
    await fs.rename(from, to);
    base.push(path);
  }
  const schedule: Schedule = { moments, base: base.sort(), rules };
  const manifest = join(root, ...SCHEDULE_PATH.split("/").filter(Boolean));
  await fs.writeFile(manifest, JSON.stringify(schedule));

  const files = (await filesUnder(root)).length;
  let bytes = 0;
  for (const file of await filesUnder(root)) bytes += (await fs.stat(join(root, file))).size;
  return { files, bytes, rules: built.rules, schedule };
}
