// npm start [-- wrangler dev flags]: local D1 migrated, content built for the origin wrangler dev will
// serve, then `wrangler dev`. The static documents carry absolute URLs, so they are built for the
// same origin the Worker is given: `--var SITE_URL:…` if passed, else http://localhost:<--port>
// (passed on to the Worker too), else SITE_URL from wrangler.toml.
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { syncDevVars } from "./dev-vars.ts";
import { migrate } from "./migrate.ts";

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
/** Runs a step; when it fails, it has said why on the terminal, so stop with its exit code and no stack trace. */
function run(cmd: string, cmdArgs: string[], extra: Record<string, string> = {}) {
  try {
    execFileSync(cmd, cmdArgs, { cwd: root, env: { ...env, ...extra }, stdio: "inherit" });
  } catch (e) {
    process.exit((e as { status?: number }).status || 1);
  }
}
const persistTo = flag("persist-to")[0];
console.log(migrate(persistTo ? ["--persist-to", persistTo] : []));
const buildEnv: Record<string, string> = {};
if (siteUrl) buildEnv.SITE_URL = siteUrl;
const hub = vars.get("WEBSUB_HUB");
if (hub) buildEnv.WEBSUB_HUB = hub;
// BRIEFWIRE_ASSETS: build into (and serve) another folder, e.g. to run a second copy beside this one.
const assetsDir = process.env.BRIEFWIRE_ASSETS;
if (assetsDir) args.push("--assets", assetsDir);
run(process.execPath, [join(root, "scripts", "build-content.ts")], buildEnv);

const dev = spawn("wrangler", ["dev", ...args], { cwd: root, env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
