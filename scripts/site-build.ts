// One build of what a deploy ships besides the Worker code (see scripts/build-content.ts): read data/,
// compile, write .generated/site.json, render the documents into a new folder and swap it in whole.
// `npm run build:content` runs it once; `npm start` runs it at start and again on every save.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { siteInfoOf } from "../src/content/briefing-index.ts";
import { compileContent, type SourceFile } from "../src/content/compile.ts";
import { publishedBy } from "../src/content/publication.ts";
import { prerenderScheduled } from "../src/documents/schedule-build.ts";
import { publishServedFolder } from "./served-folder.ts";

export interface SiteBuildOptions {
  /** The checkout: file names in messages are relative to it; .generated/ is in it. */
  root: string;
  dataDir: string;
  /** The served folder of documents (a symlink to the current build). */
  outDir: string;
  /** The origin the documents link to. Default: data/site.yaml's baseUrl. */
  base?: string;
  hub?: string;
  threads?: number;
  /** Leave .generated/site.json alone (see BRIEFWIRE_KEEP_SITE_JSON). */
  keepSiteJson?: boolean;
  /** The moment taken as now: briefings dated later are scheduled (see BRIEFWIRE_NOW). Default: the clock. */
  now?: number;
}

export interface SiteBuild {
  /** The origin the documents link to. */
  base: string;
  /** One line: what was built, for which origin, how long it took. */
  summary: string;
  warnings: string[];
  /** One line per scheduled moment: which briefings, and how many documents switch then. */
  scheduled: string[];
}

function readSources(root: string, dataDir: string): { site: SourceFile; briefings: SourceFile[] } {
  const read = (path: string): SourceFile => ({ path: relative(root, path), text: readFileSync(path, "utf8") });
  const briefingsDir = join(dataDir, "briefings");
  const briefings = readdirSync(briefingsDir)
    .filter((name) => !name.startsWith("."))
    .sort()
    .map((name) => read(join(briefingsDir, name)));
  return { site: read(join(dataDir, "site.yaml")), briefings };
}

/** Writes site.json only when it changes (the Worker bundle imports it), and whole: temp file, then rename. */
function writeSiteJson(root: string, info: string, keep: boolean): void {
  mkdirSync(join(root, ".generated"), { recursive: true });
  const siteJson = join(root, ".generated", "site.json");
  if (keep && existsSync(siteJson)) return;
  if (existsSync(siteJson) && readFileSync(siteJson, "utf8") === info) return;
  const temp = `${siteJson}.${process.pid}.tmp`;
  writeFileSync(temp, info);
  renameSync(temp, siteJson);
}

/** A var from wrangler.toml (what a deploy's Worker will see). */
export async function wranglerVar(root: string, name: string): Promise<string | undefined> {
  const { experimental_readRawConfig } = await import("wrangler");
  const { rawConfig } = experimental_readRawConfig({ config: join(root, "wrangler.toml") });
  const value = (rawConfig.vars as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" && value ? value : undefined;
}

/** Builds the site; throws ContentError (every problem of every file) when data/ has mistakes. */
export async function buildSite(options: SiteBuildOptions): Promise<SiteBuild> {
  const { root, dataDir, outDir, hub, threads } = options;
  const started = performance.now();
  const sources = readSources(root, dataDir);
  const warnings: string[] = [];
  const content = compileContent(sources.site, sources.briefings, warnings);
  const compiled = performance.now();
  const now = options.now ?? Date.now();
  // What the Worker names (the newest briefing in the welcome mail, the topics) is what is published now.
  writeSiteJson(root, JSON.stringify(siteInfoOf(publishedBy(content, now))), options.keepSiteJson ?? false);
  const base = options.base || content.site.baseUrl;
  const rendered = await publishServedFolder(outDir, (folder) =>
    prerenderScheduled(
      content,
      { base, ...(hub ? { hub } : {}), outDir: folder, ...(threads ? { threads } : {}) },
      now,
    ),
  );
  const scheduled = (rendered.schedule?.moments ?? []).map((moment) => {
    const slugs = content.briefings.filter((b) => Date.parse(b.published) === Date.parse(moment.at)).map((b) => b.slug);
    return `scheduled: ${slugs.join(", ")} at ${moment.at} (${moment.paths.length} documents switch then)`;
  });
  const s = (t: number) => (t / 1000).toFixed(1);
  const summary =
    `content: ${content.briefings.length} briefing(s), version ${content.version}; ` +
    `${rendered.files} documents (${(rendered.bytes / 2 ** 20).toFixed(1)} MiB) for ${base} in ${relative(root, outDir)}; ` +
    `compiled in ${s(compiled - started)} s, rendered in ${s(performance.now() - compiled)} s`;
  return { base, summary, warnings, scheduled };
}
