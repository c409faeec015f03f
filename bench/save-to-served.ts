// The writing loop's speed: with `npm start` serving an archive of N briefings, the time from saving
// a change to one briefing to that change being served on its page (the rebuild and the swap).
// Usage: node bench/save-to-served.ts [N=1000 …]   e.g. node bench/save-to-served.ts 1 1000
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../tests/support/local-worker.ts";
import { generateBriefings } from "./generate.ts";

const root = join(import.meta.dirname, "..");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function saveToServed(count: number): Promise<number[]> {
  const work = mkdtempSync(join(tmpdir(), "briefwire-save-"));
  const data = join(work, "data");
  generateBriefings(data, count);
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const child = spawn(
    process.execPath,
    [join(root, "scripts", "start.ts"), "--port", String(port), "--persist-to", join(work, "state")],
    { cwd: root, env: { ...env, BRIEFWIRE_DATA: data, BRIEFWIRE_ASSETS: join(work, "assets") }, stdio: "ignore" },
  );
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error("npm start stopped");
      if (
        await fetch(`${origin}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await sleep(250);
    }
    const name = readdirSync(join(data, "briefings")).sort().at(-1) as string;
    const file = join(data, "briefings", name);
    const page = `${origin}/briefings/${name.replace(/\.md$/, "")}`;
    const times: number[] = [];
    for (let run = 1; run <= 3; run++) {
      const marker = `Saved edit ${run}`;
      const text = readFileSync(file, "utf8").replace(/^title: .*$/m, `title: "${marker}"`);
      const saved = performance.now();
      writeFileSync(file, text);
      while (
        !(
          await fetch(page).then(
            (r) => r.text(),
            () => "",
          )
        ).includes(marker)
      )
        await sleep(50);
      times.push((performance.now() - saved) / 1000);
    }
    return times;
  } finally {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
    rmSync(work, { recursive: true, force: true });
  }
}

for (const count of (process.argv.slice(2).length ? process.argv.slice(2) : ["1000"]).map(Number)) {
  const times = await saveToServed(count);
  console.log(`${count} briefing(s): save → served in ${times.map((t) => `${t.toFixed(1)} s`).join(", ")}`);
}
