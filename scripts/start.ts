// npm start [-- wrangler dev flags]: local D1 migrated, content built for the origin wrangler dev will
// serve, then `wrangler dev`, and the content built again on every save under data/ (the new build is
// swapped in whole: scripts/served-folder.ts). The static documents carry absolute URLs, so they are
// built for the same origin the Worker is given: `--var SITE_URL:…` if passed, else
// http://localhost:<--port> (passed on to the Worker too), else SITE_URL from wrangler.toml. That
// origin is recorded in .generated/serving.json while it serves, for builds run by hand meanwhile.
import { spawn } from "node:child_process";
import { join, relative } from "node:path";
import { ContentError } from "../src/content/compile.ts";
import { syncDevVars } from "./dev-vars.ts";
import { migrate } from "./migrate.ts";
import { forgetServedOrigin, recordServedOrigin } from "./served-origin.ts";
import { buildSite, type SiteBuildOptions, wranglerVar } from "./site-build.ts";
import { watchContent } from "./watch-content.ts";

const root = join(import.meta.dirname, "..");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const args = process.argv.slice(2);

/** The value of `--name value` or `--name=value` among the flags, if present. */
function flag(name: string): string[] {
  const values: string[] = [];
  args.forEach((a, i) => {
    if (a === `--${name}` && args[i + 1] !== undefined) values.push(args[i + 1] as string);
    else if (a.startsWith(`--${name}=`)) values.push(a.slice(name.length + 3));
  });
  return values;
}

const vars = new Map(
  flag("var").map((v) => [v.slice(0, v.indexOf(":")), v.slice(v.indexOf(":") + 1)] as [string, string]),
);
const port = flag("port")[0];
let siteUrl = vars.get("SITE_URL");
if (!siteUrl && port) {
  siteUrl = `http://localhost:${port}`;
  args.push("--var", `SITE_URL:${siteUrl}`);
}

const added = syncDevVars(root);
if (added.length) console.log(`.dev.vars: added ${added.join(", ")} from .dev.vars.example`);
const persistTo = flag("persist-to")[0];
try {
  console.log(migrate(persistTo ? ["--persist-to", persistTo] : []));
} catch (e) {
  // wrangler has said why on its stderr; print that, not a stack trace.
  const failed = e as { stderr?: string; status?: number; message: string };
  console.error(failed.stderr || failed.message);
  process.exit(failed.status || 1);
}
// BRIEFWIRE_ASSETS: build into (and serve) another folder, e.g. to run a second copy beside this one.
// BRIEFWIRE_DATA: serve another content folder.
const outDir = process.env.BRIEFWIRE_ASSETS ?? join(root, ".generated", "assets");
if (process.env.BRIEFWIRE_ASSETS) args.push("--assets", outDir);
const dataDir = process.env.BRIEFWIRE_DATA ?? join(root, "data");
const base = siteUrl ?? (await wranglerVar(root, "SITE_URL"));
const hub = vars.get("WEBSUB_HUB") ?? (await wranglerVar(root, "WEBSUB_HUB"));
const buildOptions: SiteBuildOptions = { root, dataDir, outDir, ...(base ? { base } : {}), ...(hub ? { hub } : {}) };

/** One build; a content problem is printed (once, without a stack trace) and answered with false. */
async function build(): Promise<string | false> {
  try {
    const done = await buildSite(buildOptions);
    for (const w of done.warnings) console.warn(`content: warning: ${w}`);
    console.log(done.summary);
    return done.base;
  } catch (e) {
    if (!(e instanceof ContentError)) throw e;
    console.error(`content: ${e.problems.length} problem(s) in ${relative(root, dataDir) || "."}:`);
    for (const p of e.problems) console.error(`  ${p}`);
    return false;
  }
}

const origin = await build();
if (origin === false) process.exit(1);
const servingFile = join(root, ".generated", "serving.json");
recordServedOrigin(servingFile, { origin, ...(hub ? { hub } : {}), assets: outDir, pid: process.pid });

const dev = spawn("wrangler", ["dev", ...args], { cwd: root, env, stdio: "inherit" });
const stopWatching = watchContent(dataDir, async () => {
  if ((await build()) === false) console.error("content: still serving the last good build");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => {
  stopWatching();
  forgetServedOrigin(servingFile);
  process.exit(code ?? 0);
});
