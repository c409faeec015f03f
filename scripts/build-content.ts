// Builds what a deploy ships besides the Worker code, from data/:
// - .generated/site.json: site settings, content version and tag names — the only content the Worker
//   bundle imports, so the bundle does not grow with the archive;
// - .generated/assets/: every document that depends only on the content (feeds and their pages,
//   briefing and tag pages, the stylesheet, the digest's briefing index) rendered by the app's own
//   routes (src/documents/), plus `_headers`; Workers Static Assets serves them.
// Runs before `npm start`, `npm run deploy` and the tests. A bad file stops the build with one line
// per problem: `file: field: reason`.
//
// Environment:
// - SITE_URL: the origin the documents link to. Default: SITE_URL in wrangler.toml [vars], then
//   data/site.yaml's baseUrl. `npm start` sets it to the origin wrangler dev serves.
// - WEBSUB_HUB: the hub the feeds advertise. Default: WEBSUB_HUB in wrangler.toml [vars], if any.
// - BRIEFWIRE_DATA: another content folder (the benchmark's generated briefings).
// - BRIEFWIRE_ASSETS: another output folder for the documents (tests that serve another origin).
// - BRIEFWIRE_KEEP_SITE_JSON=1: leave .generated/site.json alone (tests building documents beside a
//   running test suite, whose Worker bundle imports that file).
// - BRIEFWIRE_NOW: the moment (RFC 3339) the build takes as now: briefings dated later are scheduled
//   (src/documents/schedule.ts). Default: the clock.
// - BRIEFWIRE_BUILD_THREADS: how many threads render the documents. Default: one per core, at most
//   four, and one per 2,000 briefings (src/documents/prerender.ts).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { siteInfoOf } from "../src/content/briefing-index.ts";
import { ContentError, compileContent, type SourceFile } from "../src/content/compile.ts";
import { publishedBy } from "../src/content/publication.ts";
import { prerenderScheduled } from "../src/documents/schedule-build.ts";

const root = join(import.meta.dirname, "..");
const dataDir = process.env.BRIEFWIRE_DATA ?? join(root, "data");
const outDir = process.env.BRIEFWIRE_ASSETS ?? join(root, ".generated", "assets");

function read(path: string): SourceFile {
  return { path: relative(root, path), text: readFileSync(path, "utf8") };
}

/** A var from wrangler.toml (what a deploy's Worker will see), read only when the environment has none. */
async function wranglerVar(name: string): Promise<string | undefined> {
  const { experimental_readRawConfig } = await import("wrangler");
  const { rawConfig } = experimental_readRawConfig({ config: join(root, "wrangler.toml") });
  const value = (rawConfig.vars as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" && value ? value : undefined;
}

const briefingsDir = join(dataDir, "briefings");
const files = readdirSync(briefingsDir)
  .filter((name) => !name.startsWith("."))
  .sort()
  .map((name) => read(join(briefingsDir, name)));

const now = process.env.BRIEFWIRE_NOW ? Date.parse(process.env.BRIEFWIRE_NOW) : Date.now();
if (Number.isNaN(now)) {
  console.error(`BRIEFWIRE_NOW: "${process.env.BRIEFWIRE_NOW}" is not a date-time like 2026-12-06T09:00:00Z`);
  process.exit(1);
}

try {
  const started = performance.now();
  const content = compileContent(read(join(dataDir, "site.yaml")), files);
  const compiled = performance.now();
  mkdirSync(join(root, ".generated"), { recursive: true });
  // Written only when it changes: a Worker being bundled elsewhere may be reading it.
  const siteJson = join(root, ".generated", "site.json");
  // What the Worker names (the newest briefing in the welcome mail, the topics) is what is published now.
  const info = JSON.stringify(siteInfoOf(publishedBy(content, now)));
  const keep = process.env.BRIEFWIRE_KEEP_SITE_JSON === "1" && existsSync(siteJson);
  if (!keep && (!existsSync(siteJson) || readFileSync(siteJson, "utf8") !== info)) writeFileSync(siteJson, info);

  const fromEnv = "SITE_URL" in process.env || "WEBSUB_HUB" in process.env;
  const base = process.env.SITE_URL || (fromEnv ? undefined : await wranglerVar("SITE_URL")) || content.site.baseUrl;
  const hub = process.env.WEBSUB_HUB || (fromEnv ? undefined : await wranglerVar("WEBSUB_HUB"));
  const threads = Number(process.env.BRIEFWIRE_BUILD_THREADS) || undefined;
  const options = { base, ...(hub ? { hub } : {}), outDir, ...(threads ? { threads } : {}) };
  const rendered = await prerenderScheduled(content, options, now);
  const ms = (t: number) => (t / 1000).toFixed(1);
  console.log(
    `content: ${content.briefings.length} briefing(s), version ${content.version}; ` +
      `${rendered.files} documents (${(rendered.bytes / 2 ** 20).toFixed(1)} MiB) for ${base} in ${relative(root, outDir)}; ` +
      `compiled in ${ms(compiled - started)} s, rendered in ${ms(performance.now() - compiled)} s`,
  );
  for (const moment of rendered.schedule?.moments ?? []) {
    const titles = content.briefings
      .filter((b) => Date.parse(b.published) === Date.parse(moment.at))
      .map((b) => b.slug);
    console.log(`scheduled: ${titles.join(", ")} at ${moment.at} (${moment.paths.length} documents switch then)`);
  }
} catch (e) {
  if (!(e instanceof ContentError)) throw e;
  console.error(`content: ${e.problems.length} problem(s) in ${relative(root, dataDir) || "."}:`);
  for (const p of e.problems) console.error(`  ${p}`);
  process.exit(1);
}
