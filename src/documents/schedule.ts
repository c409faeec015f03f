// Scheduled publication among the static documents: a briefing dated after the build is in no document
// the asset layer serves. For each later moment the build renders the site as it will be then and keeps,
// under SCHEDULED_PREFIX, the documents that differ; the build-time version of those same paths moves
// there too, so the asset layer has no file for them and hands their requests to the Worker, which
// picks the version whose moment has passed (src/http/scheduled-assets.ts). Pure: the build writes the
// schedule (src/documents/schedule-build.ts), the Worker reads it.
import type { HeaderRule } from "./headers.ts";

/** Where the versions live among the static assets; the Worker answers 404 for public requests there. */
export const SCHEDULED_PREFIX = "/_scheduled";
export const SCHEDULE_PATH = `${SCHEDULED_PREFIX}/schedule.json`;
/** The folder of the build-time version of every path a later moment changes. */
export const BASE_VERSION = "base";

export interface ScheduledMoment {
  /** RFC 3339: the `published` date of the briefings that appear then. */
  at: string;
  /** Its folder under SCHEDULED_PREFIX. */
  version: string;
  /** Public paths whose document then differs from the build-time one (new documents included). */
  paths: string[];
}

export interface Schedule {
  /** Oldest first. */
  moments: ScheduledMoment[];
  /** Public paths with a build-time version under BASE_VERSION. */
  base: string[];
  /** The `_headers` rules, for the documents the Worker serves from a version folder. */
  rules: HeaderRule[];
}

/** "2026-12-06T09:00:00.000Z" → "20261206T090000Z": a folder name without colons. */
export function versionOf(at: string): string {
  return new Date(at)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

/**
 * The public path of a built file (relative to the assets folder), as the asset layer's
 * `auto-trailing-slash` HTML handling serves it: `index.html` → `/`, `tags/x.html` → `/tags/x`.
 */
export function publicPathOf(file: string): string {
  const rel = `/${file.split("\\").join("/")}`;
  if (rel.endsWith("/index.html")) return rel.slice(0, -"index.html".length);
  if (rel.endsWith(".html")) return rel.slice(0, -".html".length);
  return rel;
}

/** Where a public path's document is in a version folder, for the ASSETS binding. */
export const versionAssetPath = (version: string, path: string) => `${SCHEDULED_PREFIX}/${version}${path}`;

/** The schedule with sets for the per-request lookups. */
export interface CompiledSchedule {
  moments: { at: number; version: string; paths: ReadonlySet<string> }[];
  base: ReadonlySet<string>;
  /** Every path some moment changes: only these are looked up. */
  switching: ReadonlySet<string>;
  rules: HeaderRule[];
}

export const NO_SCHEDULE: CompiledSchedule = { moments: [], base: new Set(), switching: new Set(), rules: [] };

export function compileSchedule(schedule: Schedule): CompiledSchedule {
  const moments = schedule.moments
    .map((m) => ({ at: Date.parse(m.at), version: m.version, paths: new Set(m.paths) }))
    .sort((a, b) => a.at - b.at);
  return {
    moments,
    base: new Set(schedule.base),
    switching: new Set(schedule.moments.flatMap((m) => m.paths)),
    rules: schedule.rules,
  };
}

/**
 * Where the document at public `path` is at `now`: the path itself when no moment changes it (the asset
 * root has it, or nothing does), the asset path of the version in force, or null when it does not exist
 * yet. Each version holds the whole site as of its moment, less what equals the build-time version: so
 * the newest moment passed decides, and a path it does not hold is as built.
 */
export function assetPathAt(schedule: CompiledSchedule, path: string, now: number): string | null {
  if (!schedule.switching.has(path)) return path;
  let current: CompiledSchedule["moments"][number] | undefined;
  for (const moment of schedule.moments) if (moment.at <= now) current = moment;
  if (current?.paths.has(path)) return versionAssetPath(current.version, path);
  return schedule.base.has(path) ? versionAssetPath(BASE_VERSION, path) : null;
}

/** The moments still ahead of `now`, oldest first. */
export function momentsAfter(schedule: CompiledSchedule, now: number): number[] {
  return schedule.moments.filter((m) => m.at > now).map((m) => m.at);
}
