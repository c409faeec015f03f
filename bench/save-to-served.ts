// The writing loop's speed: with `npm start` serving an archive of N briefings, the time from saving
// a change to one briefing's title to that change being served on its page (the rebuild and the swap).
// `npm run bench` runs it as its `save` part (1 and 10,000 briefings); alone:
// node bench/save-to-served.ts [N=1000 …]   e.g. node bench/save-to-served.ts 1 1000
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { freePort } from "../tests/support/local-worker.ts";
import { generateBriefings } from "./generate.ts";

const root = join(import.meta.dirname, "..");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SaveBench {
  briefings: number;
  /** Seconds from each save to its change on the briefing's page. */
  seconds: number[];
}

/**
 * The briefing with a new title, edited as YAML: the generated titles are long and folded over
 * several lines, so replacing the `title:` line alone would leave a broken file behind.
 */
export function retitled(text: string, title: string): string {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!match) throw new Error("no front matter");
  const front = parseDocument(match[1] as string);
  front.set("title", title);
  return `---\n${front.toString({ lineWidth: 0 })}---\n${text.slice(match[0].length)}`;
}

/** `npm start` on a copy of `dataDir`; `saves` edits of its newest briefing, each timed until served. */
export async function benchSaveToServed(dataDir: string, saves = 3): Promise<SaveBench> {
  const work = mkdtempSync(join(tmpdir(), "briefwire-save-"));
  const data = join(work, "data");
  cpSync(dataDir, data, { recursive: true });
  const count = readdirSync(join(data, "briefings")).filter((n) => n.endsWith(".md")).length;
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const child = spawn(
    process.execPath,
    [join(root, "scripts", "start.ts"), "--port", String(port), "--persist-to", join(work, "state")],
    {
      cwd: root,
      env: { ...env, BRIEFWIRE_DATA: data, BRIEFWIRE_ASSETS: join(work, "assets") },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream?.on("data", (b: Buffer) => (output += b.toString()));
  /** npm start's own words when it stops or rejects a save, rather than a wait that never ends. */
  const failed = (what: string) => new Error(`${what} (${count} briefings); npm start said:\n${output.slice(-4000)}`);
  try {
    while (
      !(await fetch(`${origin}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (child.exitCode !== null) throw failed("npm start stopped");
      await sleep(250);
    }
    const name = readdirSync(join(data, "briefings")).sort().at(-1) as string;
    const file = join(data, "briefings", name);
    const page = `${origin}/briefings/${name.replace(/\.md$/, "")}`;
    const seconds: number[] = [];
    for (let run = 1; run <= saves; run++) {
      const marker = `Saved edit ${run}`;
      const text = retitled(readFileSync(file, "utf8"), marker);
      const heard = output.length;
      const saved = performance.now();
      writeFileSync(file, text);
      while (
        !(
          await fetch(page).then(
            (r) => r.text(),
            () => "",
          )
        ).includes(marker)
      ) {
        if (output.includes("still serving the last good build", heard)) throw failed("the save did not build");
        if (child.exitCode !== null) throw failed("npm start stopped");
        await sleep(50);
      }
      seconds.push(Number(((performance.now() - saved) / 1000).toFixed(2)));
    }
    return { briefings: count, seconds };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  for (const count of (process.argv.slice(2).length ? process.argv.slice(2) : ["1000"]).map(Number)) {
    const data = mkdtempSync(join(tmpdir(), "briefwire-generated-"));
    generateBriefings(data, count);
    try {
      const { seconds } = await benchSaveToServed(data);
      console.log(`${count} briefing(s): save → served in ${seconds.map((t) => `${t.toFixed(1)} s`).join(", ")}`);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }
}
