// Starts the real Worker with `wrangler dev` on a free port, with its own fresh local state (D1
// migrated) and its own static documents built for its origin (the asset layer serves them as on
// Cloudflare), for tests that talk to it over HTTP as a browser or a feed reader would.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeServedFolder } from "../../scripts/served-folder.ts";

const root = join(import.meta.dirname, "..", "..");
const wrangler = join(root, "node_modules", ".bin", "wrangler");
const offline = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

export interface LocalWorker {
  url: string;
  /** The folder of static documents it serves. */
  assets: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface LocalWorkerOptions {
  /** Worker vars (--var). */
  vars?: Record<string, string>;
  /** Extra process environment for the build and wrangler, e.g. BRIEFWIRE_DATA for another content folder. */
  env?: Record<string, string>;
  /** Serve documents built beforehand (for this worker's origin, see `port`) instead of building them. */
  assets?: string;
  /** The port to serve on (default: a free one). */
  port?: number;
  /**
   * Run wrangler dev and its workerd on these CPUs only (`taskset -c`, e.g. "1-3"): a load generator
   * kept on the others then measures the server, not its own share of the cores.
   */
  cpus?: string;
  /**
   * Serve this local state folder (wrangler's --persist-to), already migrated and filled, and keep it
   * on stop: for a benchmark that seeded the D1 file itself.
   */
  persistTo?: string;
}

/** Builds the static documents for `origin` into a new folder (the build of `npm start`). */
export function buildAssets(origin: string, env: Record<string, string | undefined> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "briefwire-assets-"));
  execFileSync(process.execPath, [join(root, "scripts", "build-content.ts")], {
    cwd: root,
    // The Worker keeps the site.json of data/: other tests may be bundling it right now.
    env: { ...offline, BRIEFWIRE_KEEP_SITE_JSON: "1", ...env, SITE_URL: origin, BRIEFWIRE_ASSETS: dir },
    stdio: "ignore",
  });
  return dir;
}

export async function startLocalWorker(options: LocalWorkerOptions = {}): Promise<LocalWorker> {
  const env = { ...offline, ...options.env };
  const state = options.persistTo ?? mkdtempSync(join(tmpdir(), "briefwire-state-"));
  if (!options.persistTo) {
    execFileSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], {
      cwd: root,
      env,
      stdio: "ignore",
    });
  }
  const port = options.port ?? (await freePort());
  const url = `http://localhost:${port}`;
  const assets = options.assets ?? buildAssets(url, options.env);
  const args = ["dev", "--port", String(port), "--persist-to", state, "--assets", assets, "--var", `SITE_URL:${url}`];
  for (const [k, v] of Object.entries(options.vars ?? {})) args.push("--var", `${k}:${v}`);
  const child: ChildProcess = options.cpus
    ? spawn("taskset", ["-c", options.cpus, wrangler, ...args], { cwd: root, env, stdio: "ignore" })
    : spawn(wrangler, args, { cwd: root, env, stdio: "ignore" });
  // Generous: with thousands of documents, wrangler dev reads and hashes every one before it serves.
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGTERM");
      throw new Error("wrangler dev did not start");
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    assets,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      if (!options.persistTo) rmSync(state, { recursive: true, force: true });
      if (!options.assets) removeServedFolder(assets);
    },
  };
}
