// Builds what a deploy ships besides the Worker code, from data/:
// - .generated/site.json: site settings, content version and tag names — the only content the Worker
//   bundle imports, so the bundle does not grow with the archive;
// - .generated/assets/: every document that depends only on the content (feeds and their pages,
//   briefing and tag pages, the stylesheet, the digest's briefing index) rendered by the app's own
//   routes (src/documents/), plus `_headers`; Workers Static Assets serves them.
// Runs before `npm start`, `npm run deploy` and the tests. A bad file stops the build (exit 1, no stack
// trace) with one line per problem of every file: `file:line: what is wrong`; mistakes that still build
// (a briefing copied to a second file, a body mail clients clip) are printed as warnings.
//
// Environment:
// - SITE_URL: the origin the documents link to. Default: SITE_URL in wrangler.toml [vars], then
//   data/site.yaml's baseUrl. `npm start` sets it to the origin wrangler dev serves.
// - WEBSUB_HUB: the hub the feeds advertise. Default: WEBSUB_HUB in wrangler.toml [vars], if any.
// - BRIEFWIRE_DATA: another content folder (the benchmark's generated briefings).
// - BRIEFWIRE_ASSETS: another output folder for the documents (tests that serve another origin).
// - BRIEFWIRE_KEEP_SITE_JSON=1: leave .generated/site.json alone (tests building documents beside a
//   running test suite, whose Worker bundle imports that file).
// - BRIEFWIRE_BUILD_THREADS: how many threads render the documents. Default: one per core, at most
//   four, and one per 2,000 briefings (src/documents/prerender.ts).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { siteInfoOf } from "../src/content/briefing-index.ts";
import { ContentError, compileContent, type SourceFile } from "../src/content/compile.ts";
import { prerender } from "../src/documents/prerender.ts";

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

try {
  const started = performance.now();
  const warnings: string[] = [];
  const content = compileContent(read(join(dataDir, "site.yaml")), files, warnings);
  for (const w of warnings) console.warn(`content: warning: ${w}`);
  const compiled = performance.now();
  mkdirSync(join(root, ".generated"), { recursive: true });
  // Written only when it changes: a Worker being bundled elsewhere may be reading it.
  const siteJson = join(root, ".generated", "site.json");
  const info = JSON.stringify(siteInfoOf(content));
  const keep = process.env.BRIEFWIRE_KEEP_SITE_JSON === "1" && existsSync(siteJson);
  if (!keep && (!existsSync(siteJson) || readFileSync(siteJson, "utf8") !== info)) writeFileSync(siteJson, info);

  const fromEnv = "SITE_URL" in process.env || "WEBSUB_HUB" in process.env;
  const base = process.env.SITE_URL || (fromEnv ? undefined : await wranglerVar("SITE_URL")) || content.site.baseUrl;
  const hub = process.env.WEBSUB_HUB || (fromEnv ? undefined : await wranglerVar("WEBSUB_HUB"));
  const threads = Number(process.env.BRIEFWIRE_BUILD_THREADS) || undefined;
  const rendered = await prerender(content, { base, ...(hub ? { hub } : {}), outDir, ...(threads ? { threads } : {}) });
  const ms = (t: number) => (t / 1000).toFixed(1);
  console.log(
    `content: ${content.briefings.length} briefing(s), version ${content.version}; ` +
      `${rendered.files} documents (${(rendered.bytes / 2 ** 20).toFixed(1)} MiB) for ${base} in ${relative(root, outDir)}; ` +
      `compiled in ${ms(compiled - started)} s, rendered in ${ms(performance.now() - compiled)} s`,
  );
} catch (e) {
  if (!(e instanceof ContentError)) throw e;
  console.error(`content: ${e.problems.length} problem(s) in ${relative(root, dataDir) || "."}:`);
  for (const p of e.problems) console.error(`  ${p}`);
  process.exit(1);
}
