// npm run bench — measures on this machine, side by side in one run, and writes bench/results.json.
//
// Part 1 (feeds): 2,000 generated briefings; request rate of /feed.xml, /atom.xml and /feed.json
// against the constant /healthz in local workerd (wrangler dev), as ratios from interleaved rounds
// so machine noise hits both sides alike; the first (uncached) render of each feed; content build
// time; the deployable bundle's size (gzip of `wrangler deploy --dry-run`); a 100,000-row CSV import.
// Part 2 (digest, bench/digest.ts): an edition to 20,000 recipients through the local Queue to the
// Resend stand-in limited to a set rate: renders, provider calls, throughput against the limit, CPU.
// Run twice, against a stand-in counting its limit in a sliding one-second window and against one
// whose windows reset at whole seconds (Resend documents its headers, not its window).
// Part 3 (bench/digest-outage.ts): the same edition through a 2-hour provider outage starting
// mid-edition, in simulated time: mails lost, duplicated, provider calls that did work.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { stringify } from "yaml";
import { type LocalWorker, startLocalWorker } from "../tests/support/local-worker.ts";
import { benchDigest, type DigestBench } from "./digest.ts";
import { benchDigestOutage, type OutageBench } from "./digest-outage.ts";

const root = join(import.meta.dirname, "..");
const dataDir = join(root, "bench", "data");
let base = "";
const BRIEFINGS = 2000;
const ROUND_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const offlineEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

function generateContent(): void {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join(dataDir, "briefings"), { recursive: true });
  writeFileSync(join(dataDir, "site.yaml"), readFileSync(join(root, "data", "site.yaml")));
  const tags = ["nato", "ukraine", "energy", "cyber", "space", "maritime", "budget", "industry"];
  for (let i = 0; i < BRIEFINGS; i++) {
    const front = {
      title: `Briefing ${i}: ministers agree on item ${i} & <more>`,
      published: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000 * 13).toISOString(),
      summary: `A one-paragraph summary of briefing ${i}, long enough to look like a real one. `.repeat(3).trim(),
      source: { name: "Source", url: `https://example.org/source/${i}` },
      tags: [tags[i % tags.length], tags[(i * 3 + 1) % tags.length]],
      outcomes: Array.from({ length: 4 }, (_, k) => ({
        id: `outcome-${k}`,
        headline: `Outcome ${k} of briefing ${i}`,
        detail: `What outcome ${k} means, in one plain line of text.`,
        ...(k === 0 ? { figures: [{ label: "Amount", value: i * 1.5, unit: "EUR bn" }] } : {}),
      })),
    };
    const body = Array.from({ length: 4 }, (_, p) =>
      `Paragraph ${p} with a [link](https://example.org/${i}/${p}) and **bold** text. `.repeat(4),
    ).join("\n\n");
    writeFileSync(
      join(dataDir, "briefings", `briefing-${String(i).padStart(4, "0")}.md`),
      `---\n${stringify(front)}---\n${body}\n`,
    );
  }
}

function buildContent(data?: string): number {
  const started = performance.now();
  execFileSync(process.execPath, [join(root, "scripts", "build-content.ts")], {
    env: { ...process.env, ...(data ? { BRIEFWIRE_DATA: data } : {}) },
    stdio: "ignore",
  });
  return performance.now() - started;
}

/** Start-up CPU of the deployable Worker, as `wrangler check startup` profiles it locally (repeatable). */
function startup(): { activeMs: number; runs: number[] } {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const out = execFileSync("wrangler", ["check", "startup", "--outfile", join(root, "dist", "startup.cpuprofile")], {
      env: offlineEnv,
      cwd: root,
    }).toString();
    const active = /Active:\s*([\d.]+)\s*ms/.exec(out);
    if (!active) throw new Error(`wrangler check startup printed no active time:\n${out}`);
    runs.push(Number(active[1]));
  }
  // The median of three: one profile can catch the machine busy.
  return { activeMs: [...runs].sort((a, b) => a - b)[1]!, runs };
}

function bundleSize(): { rawKiB: number; gzipKiB: number } {
  const outdir = join(root, "dist", "bench");
  rmSync(outdir, { recursive: true, force: true });
  execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", outdir], {
    env: offlineEnv,
    stdio: "ignore",
    cwd: root,
  });
  let raw = 0;
  let gz = 0;
  for (const name of readdirSync(outdir)) {
    if (!/\.(m?js|wasm)$/.test(name)) continue;
    const bytes = readFileSync(join(outdir, name));
    raw += statSync(join(outdir, name)).size;
    gz += gzipSync(bytes, { level: 9 }).length;
  }
  return { rawKiB: raw / 1024, gzipKiB: gz / 1024 };
}

/** POST /admin/subscribers/import with `count` generated rows; checks the count with /admin/stats. */
async function importSubscribers(count: number) {
  const rows = ["email,cadence,tags"];
  for (let i = 0; i < count; i++)
    rows.push(`reader${i}@example${i % 97}.org,${i % 3 ? "daily" : "weekly"},${i % 5 ? "" : "ukraine;nato"}`);
  const body = rows.join("\n");
  const auth = { Authorization: "Bearer dev-admin-token" };
  const started = performance.now();
  const res = await fetch(`${base}/admin/subscribers/import`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "text/csv" },
    body,
  });
  const seconds = (performance.now() - started) / 1000;
  const answer = (await res.json()) as { added: number };
  const stats = (await (await fetch(`${base}/admin/stats`, { headers: auth })).json()) as {
    byStatus: { confirmed: number };
  };
  if (answer.added !== count || stats.byStatus.confirmed !== count)
    throw new Error(`import: added ${answer.added}, confirmed ${stats.byStatus.confirmed}`);
  return {
    rows: count,
    megabytes: Number((body.length / 1e6).toFixed(1)),
    seconds: Number(seconds.toFixed(2)),
    rowsPerSecond: Math.round(count / seconds),
  };
}

async function rate(path: string, acceptGzip = true): Promise<number> {
  // Feed readers send Accept-Encoding: gzip (Miniflux, NetNewsWire, Feedly all do), so the benchmark does too.
  const result = await autocannon({
    url: `${base}${path}`,
    connections: 8,
    duration: ROUND_SECONDS,
    headers: acceptGzip ? { "accept-encoding": "gzip" } : {},
  });
  if (result.non2xx || result.errors) throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function main() {
  const feeds = ["/feed.xml", "/atom.xml", "/feed.json"];
  console.log(`generating ${BRIEFINGS} briefings…`);
  generateContent();
  const buildMs = buildContent(dataDir);
  // The worker's [build] step compiles the benchmark's content because BRIEFWIRE_DATA points at it.
  const worker: LocalWorker = await startLocalWorker({ env: { BRIEFWIRE_DATA: dataDir } });
  base = worker.url;
  const results: Record<string, unknown> = {};
  try {
    // First request of each feed after start: the one that renders (later ones are served from memory).
    const firstMs: Record<string, number> = {};
    for (const f of feeds) {
      const t = performance.now();
      const res = await fetch(`${base}${f}`, { headers: { "accept-encoding": "gzip" } });
      await res.arrayBuffer();
      firstMs[f] = performance.now() - t;
    }
    await rate("/healthz"); // warm-up
    const identity = "/feed.xml (no gzip)";
    const samples: Record<string, number[]> = {
      "/healthz": [],
      ...Object.fromEntries(feeds.map((f) => [f, []])),
      [identity]: [],
    };
    for (let r = 0; r < ROUNDS; r++) {
      for (const f of feeds) {
        samples["/healthz"]!.push(await rate("/healthz"));
        samples[f]!.push(await rate(f));
      }
      // A client that does not accept gzip gets ~200 KB a page: shown for comparison, not a goal.
      samples["/healthz"]!.push(await rate("/healthz"));
      samples[identity]!.push(await rate("/feed.xml", false));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const health = mean(samples["/healthz"]!);
    results.import = await importSubscribers(100_000);
    results.requests = Object.fromEntries(
      Object.entries(samples).map(([path, xs]) => [
        path,
        {
          rps: Math.round(mean(xs)),
          ratioToHealthz: Number((mean(xs) / health).toFixed(3)),
          firstRequestMs: firstMs[path],
        },
      ]),
    );
  } finally {
    await worker.stop();
    buildContent(); // put the real content back in .generated/
  }
  results.contentBuild = { briefings: BRIEFINGS, ms: Math.round(buildMs) };
  const recipients = Number(process.env.BENCH_RECIPIENTS ?? 20_000);
  // Resend's documented team limit (2 calls/s; some pages say 5). The pacer's price does not depend on
  // the limit (about one round trip per second); a faster limit also measures whether this machine's
  // sender keeps up (on a busy 2-core machine it needs 200-500 ms between calls).
  const limit = Number(process.env.BENCH_DIGEST_LIMIT ?? 2);
  console.log(`digest: ${recipients} recipients, stand-in limit ${limit} calls/s in a sliding one-second window…`);
  results.digest = await benchDigest(recipients, limit, "sliding");
  console.log(`digest: ${recipients} recipients, stand-in limit ${limit} calls/s in fixed one-second windows…`);
  results.digestFixedWindows = await benchDigest(recipients, limit, "fixed");
  console.log(`digest: ${recipients} recipients through a 2-hour provider outage (simulated time)…`);
  results.digestOutage = await benchDigestOutage(recipients, 2);
  results.bundle = bundleSize();
  results.startup = startup();
  results.machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  results.when = new Date().toISOString();
  mkdirSync(join(root, "bench"), { recursive: true });
  writeFileSync(join(root, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);

  const rows: string[][] = [["measure", "value", "goal"]];
  for (const [path, r] of Object.entries(
    results.requests as Record<string, { rps: number; ratioToHealthz: number; firstRequestMs?: number }>,
  )) {
    const first = r.firstRequestMs ? `, first ${r.firstRequestMs.toFixed(0)} ms` : "";
    const goal = path === "/healthz" ? "baseline" : path.includes("no gzip") ? "" : "≥ 0.9×";
    rows.push([`GET ${path} req/s`, `${r.rps} (${r.ratioToHealthz}× healthz${first})`, goal]);
  }
  const b = results.bundle as { rawKiB: number; gzipKiB: number };
  rows.push([`content build, ${BRIEFINGS} briefings`, `${(results.contentBuild as { ms: number }).ms} ms`, ""]);
  const imp = results.import as { rows: number; seconds: number; rowsPerSecond: number; megabytes: number };
  rows.push([
    `CSV import, ${imp.rows} rows (${imp.megabytes} MB)`,
    `${imp.seconds} s (${imp.rowsPerSecond} rows/s)`,
    "works",
  ]);
  const d = results.digest as DigestBench;
  rows.push([`digest renders, ${d.recipients} recipients`, `${d.renders}`, "1 per variant"]);
  rows.push(["digest provider calls", `${d.batchCalls}`, `⌈N/100⌉ = ${d.expectedBatchCalls}`]);
  for (const [run, label] of [
    [d, "sliding 1 s window"],
    [results.digestFixedWindows as DigestBench, "fixed 1 s windows"],
  ] as const) {
    rows.push([
      `digest throughput, limit ${run.rateLimitPerSecond} calls/s, ${label}`,
      `${run.callsPerSecond} calls/s (${run.ratioToLimit}× limit, ${run.mailsPerSecond} mails/s, ${run.status429} × 429)`,
      "≥ 0.95×, no 429",
    ]);
  }
  rows.push(["digest CPU per 1,000 recipients (workerd)", `${d.cpuMsPer1000} ms`, ""]);
  const o = results.digestOutage as OutageBench;
  rows.push([
    `digest through a ${o.outageHours} h outage mid-edition, ${o.recipients} recipients`,
    `${o.lost} lost, ${o.duplicates} duplicate, ${o.acceptedCalls} calls accepted (${o.failingCalls} failed during the outage), done ${o.minutesAfterRecovery} min after recovery`,
    `0 lost, 0 duplicate, ⌈N/100⌉ = ${o.expectedCalls}`,
  ]);
  rows.push([
    "bundle (wrangler deploy --dry-run)",
    `${b.rawKiB.toFixed(0)} KiB raw, ${b.gzipKiB.toFixed(0)} KiB gzip`,
    "≤ 250 KiB gzip",
  ]);
  const st = results.startup as { activeMs: number; runs: number[] };
  rows.push([
    "start-up CPU (wrangler check startup, median of 3)",
    `${st.activeMs} ms (${st.runs.join(", ")})`,
    "≪ 1,000 ms",
  ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
  console.log("\nwritten: bench/results.json");
}

await main();
