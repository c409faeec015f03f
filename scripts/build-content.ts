// Builds what a deploy ships besides the Worker code, from data/:
// - .generated/site.json: site settings, content version and tag names — the only content the Worker
//   bundle imports, so the bundle does not grow with the archive;
// - .generated/assets: every document that depends only on the content (feeds and their pages,
//   briefing and tag pages, the stylesheet, the digest's briefing index) rendered by the app's own
//   routes (src/documents/), plus `_headers`; Workers Static Assets serves them. It is a symlink to the
//   newest build in .generated/assets.builds/, swapped in whole (scripts/served-folder.ts), so a build
//   while `npm start` serves never leaves a page or feed missing.
// Runs before `npm start`, `npm run deploy` and the tests. A bad file stops the build (exit 1, no stack
// trace) with one line per problem of every file: `file:line: what is wrong`; mistakes that still build
// (a briefing copied to a second file, a body mail clients clip) are printed as warnings.
//
// Environment:
// - SITE_URL: the origin the documents link to. Default: the origin `npm start` serves, while it runs
//   (unless --deploy is given), then SITE_URL in wrangler.toml [vars], then data/site.yaml's baseUrl.
// - WEBSUB_HUB: the hub the feeds advertise. Default: the one `npm start` serves with, then WEBSUB_HUB
//   in wrangler.toml [vars], if any.
// - BRIEFWIRE_DATA: another content folder (the benchmark's generated briefings).
// - BRIEFWIRE_ASSETS: another output folder for the documents (tests that serve another origin).
// - BRIEFWIRE_KEEP_SITE_JSON=1: leave .generated/site.json alone (tests building documents beside a
//   running test suite, whose Worker bundle imports that file).
// - BRIEFWIRE_NOW: the moment (RFC 3339) the build takes as now: briefings dated later are scheduled
//   (src/documents/schedule.ts). Default: the clock.
// - BRIEFWIRE_BUILD_THREADS: how many threads render the documents. Default: one per core, at most
//   four, and one per 2,000 briefings (src/documents/prerender.ts).
import { join, relative } from "node:path";
import { ContentError } from "../src/content/compile.ts";
import { servedOriginOf } from "./served-origin.ts";
import { buildSite, wranglerVar } from "./site-build.ts";

const root = join(import.meta.dirname, "..");
const dataDir = process.env.BRIEFWIRE_DATA ?? join(root, "data");
const outDir = process.env.BRIEFWIRE_ASSETS ?? join(root, ".generated", "assets");
// A deploy builds for the deployed origin even while `npm start` serves this checkout.
const forDeploy = process.argv.includes("--deploy");

const fromEnv = "SITE_URL" in process.env || "WEBSUB_HUB" in process.env;
const served = fromEnv || forDeploy ? undefined : servedOriginOf(join(root, ".generated", "serving.json"), outDir);
const base = process.env.SITE_URL || served?.origin || (fromEnv ? undefined : await wranglerVar(root, "SITE_URL"));
const hub =
  process.env.WEBSUB_HUB || (served ? served.hub : fromEnv ? undefined : await wranglerVar(root, "WEBSUB_HUB"));

const now = process.env.BRIEFWIRE_NOW ? Date.parse(process.env.BRIEFWIRE_NOW) : Date.now();
if (Number.isNaN(now)) {
  console.error(`BRIEFWIRE_NOW: "${process.env.BRIEFWIRE_NOW}" is not a date-time like 2026-12-06T09:00:00Z`);
  process.exit(1);
}

try {
  const build = await buildSite({
    root,
    dataDir,
    outDir,
    ...(base ? { base } : {}),
    ...(hub ? { hub } : {}),
    threads: Number(process.env.BRIEFWIRE_BUILD_THREADS) || undefined,
    keepSiteJson: process.env.BRIEFWIRE_KEEP_SITE_JSON === "1",
    now,
  });
  for (const w of build.warnings) console.warn(`content: warning: ${w}`);
  console.log(build.summary + (served ? " (the origin npm start serves)" : ""));
  for (const line of build.scheduled) console.log(line);
} catch (e) {
  if (!(e instanceof ContentError)) throw e;
  console.error(`content: ${e.problems.length} problem(s) in ${relative(root, dataDir) || "."}:`);
  for (const p of e.problems) console.error(`  ${p}`);
  process.exit(1);
}
