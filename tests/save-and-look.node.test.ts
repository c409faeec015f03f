// The writing loop of `npm start`: a save under data/ is built and served by itself, the new build
// swapped in whole (no page or feed ever answers 404 or 5xx meanwhile), a broken file keeps the last
// good site serving, a build run by hand keeps the served origin's links, and a content error stops
// `npm start` with the problem and no stack trace.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/local-worker.ts";

const root = join(import.meta.dirname, "..");
const SEED = "nato-defence-ministers-october-2024";
const offline = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, ms = 90_000): Promise<void> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(200)) {
    try {
      if (await check()) return;
    } catch {}
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("npm start rebuilds on save", () => {
  const data = mkdtempSync(join(tmpdir(), "briefwire-data-"));
  const assets = join(mkdtempSync(join(tmpdir(), "briefwire-served-")), "assets");
  const state = mkdtempSync(join(tmpdir(), "briefwire-state-"));
  const seedFile = join(data, "briefings", `${SEED}.md`);
  let child: ChildProcess;
  let origin = "";
  let output = "";
  /** Every answer the readers got while the site was being rebuilt, as "status path". */
  const answers: string[] = [];
  let polling = true;
  let pollers: Promise<void>[] = [];

  beforeAll(async () => {
    cpSync(join(root, "data"), data, { recursive: true });
    const port = await freePort();
    origin = `http://localhost:${port}`;
    child = spawn(
      process.execPath,
      [join(root, "scripts", "start.ts"), "--port", String(port), "--persist-to", state],
      {
        cwd: root,
        env: { ...offline, BRIEFWIRE_DATA: data, BRIEFWIRE_ASSETS: assets },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout?.on("data", (b: Buffer) => {
      output += b.toString();
    });
    child.stderr?.on("data", (b: Buffer) => {
      output += b.toString();
    });
    await until("the site", async () => (await fetch(`${origin}/feed.xml`)).ok, 120_000);
    // Readers keep asking for a page and a feed the whole time.
    pollers = ["/", "/feed.xml", `/briefings/${SEED}`].map(async (path) => {
      while (polling) {
        try {
          const res = await fetch(`${origin}${path}`);
          await res.arrayBuffer();
          answers.push(`${res.status} ${path}`);
        } catch (e) {
          answers.push(`failed ${path}: ${(e as Error).message}`);
        }
        await sleep(20);
      }
    });
  }, 150_000);

  afterAll(async () => {
    polling = false;
    await Promise.all(pollers);
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    for (const dir of [data, state, dirname(assets)]) rmSync(dir, { recursive: true, force: true });
  });

  it("serves a saved change by itself, with no 404 or 5xx meanwhile", async () => {
    const seed = readFileSync(seedFile, "utf8");
    writeFileSync(seedFile, seed.replace(/^title: .*$/m, 'title: "Ministers meet: saved while serving"'));
    await until("the new title in the feed", async () =>
      (await (await fetch(`${origin}/feed.xml`)).text()).includes("Ministers meet: saved while serving"),
    );
    const page = await (await fetch(`${origin}/briefings/${SEED}`)).text();
    expect(page).toContain("Ministers meet: saved while serving");
    expect(page).toContain(`href="${origin}/`);
    await sleep(1_000);
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((a) => !a.startsWith("200 "))).toEqual([]);
  }, 120_000);

  it("keeps the last good site serving when a saved file is broken, and says what is wrong once", async () => {
    answers.length = 0;
    writeFileSync(join(data, "briefings", "broken.md"), "---\ntitle: NATO: a summit\n---\nText.\n");
    await until("the problem on the terminal", async () => output.includes("still serving the last good build"));
    const problem = "briefings/broken.md:2: ";
    expect(output.split(problem).length - 1).toBe(1);
    expect(output).not.toMatch(/^\s+at /m);
    expect(await (await fetch(`${origin}/feed.xml`)).text()).toContain("Ministers meet: saved while serving");
    expect(answers.filter((a) => !a.startsWith("200 "))).toEqual([]);
    rmSync(join(data, "briefings", "broken.md"));
  }, 120_000);

  it("keeps the served origin's links when the content is built by hand meanwhile", async () => {
    answers.length = 0;
    execFileSync(process.execPath, [join(root, "scripts", "build-content.ts")], {
      cwd: root,
      env: { ...offline, BRIEFWIRE_DATA: data, BRIEFWIRE_ASSETS: assets },
      stdio: "ignore",
    });
    const feed = await (await fetch(`${origin}/feed.json`)).text();
    expect(feed).toContain(`"feed_url": "${origin}/feed.json"`);
    expect(feed).not.toContain("localhost:8787");
    expect(answers.filter((a) => !a.startsWith("200 "))).toEqual([]);
  }, 120_000);
});

it("npm start stops on a content error with the problem at its line and no stack trace", async () => {
  const data = mkdtempSync(join(tmpdir(), "briefwire-data-"));
  const state = mkdtempSync(join(tmpdir(), "briefwire-state-"));
  const assets = join(mkdtempSync(join(tmpdir(), "briefwire-served-")), "assets");
  cpSync(join(root, "data"), data, { recursive: true });
  writeFileSync(join(data, "briefings", "broken.md"), "---\ntitle: NATO: a summit\n---\nText.\n");
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(root, "scripts", "start.ts"), "--port", String(port), "--persist-to", state],
    {
      cwd: root,
      env: { ...offline, BRIEFWIRE_DATA: data, BRIEFWIRE_ASSETS: assets },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const code = await new Promise((r) => child.once("exit", r));
  expect(code).toBe(1);
  expect(stderr).toMatch(/briefings\/broken\.md:2: .*put the value in quotes/);
  expect(stderr).not.toMatch(/^\s+at /m);
  for (const dir of [data, state, dirname(assets)]) rmSync(dir, { recursive: true, force: true });
}, 120_000);
