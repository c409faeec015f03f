// npm run bench — measures on this machine, side by side in one run, and writes bench/results.json.
//
// Part 1 (archive): 1, 1,000 and 10,000 generated briefings (bench/generate.ts: about 5 KB of
// non-repetitive text each). For each: the content build (compile + render every document), the
// documents it writes (files and bytes), the deployable Worker bundle (gzip of `wrangler deploy
// --dry-run`) and its start-up CPU (`wrangler check startup`). With 10,000 briefings served by
// `wrangler dev` (the asset layer serving the built pages, the Worker the feeds from the built files):
// request rates of /feed.xml, /atom.xml, /feed.json, a briefing page and page 50 of /feed.xml against
// the Worker's constant /healthz, as ratios from interleaved rounds so machine noise hits both sides
// alike — once with the client (autocannon, in this process) and the server sharing every core, once
// with the server on cores of its own (taskset), so the client's work reading large bodies does not
// count against the server; then a 100,000-row CSV import.
// Part 2 (digest, bench/digest.ts): an edition to 20,000 recipients through the local Queue to the
// Resend stand-in limited to a set rate: renders, provider calls, throughput against the limit, CPU.
// The digest runs twice, against a stand-in counting its limit in a sliding one-second window and
// against one whose windows reset at whole seconds (Resend documents its headers, not its window).
// Part 3 (bench/digest-outage.ts): the same edition through a 2-hour provider outage starting
// mid-edition, in simulated time: mails lost, duplicated, provider calls that did work.
// Part 3b (bench/digest-recovery.ts): an edition to 10,000 recipients in real time against the
// rate-limited stand-in (once per window), which goes down (5xx and dropped connections) for 50 s
// mid-edition and comes back: throughput after recovery against the limit, 429s, mails lost and duplicated.
// Part 4 (ledger, bench/ledger.ts): the D1 schema in SQLite with 10,000 and 100,000 subscribers and
// a simulated month of daily editions, compacted as the cron does: size after a week and a month.
// Part 5 (console, bench/console.ts): the console's queries in a local D1 with 1,000,000 subscribers
// (BENCH_CONSOLE_READERS) and 1,000 editions: milliseconds per query, D1's rows written per
// subscriber change with the counting triggers and without, and whole console pages through the
// Worker ("console page p95 ms", goal ≤ 200 ms).
//
// Part 6 (scale, bench/send-scale.ts): whole editions to 10,000 and 100,000 readers (BENCH_SCALE_SIZES;
// 100,000 takes about 3.5 minutes here, so 1,000,000 would take over half an hour and is not in the
// default run) in simulated time at 5 provider calls/s (BENCH_SCALE_RATE): send time per recipient
// across sizes, wall time against ⌈N/100⌉ ÷ rate, D1 rows and queries per recipient, the most D1
// queries of any invocation, and failed calls in the first minute of an outage with 80 chunks pending.
//
// Part 7 (import, bench/import.ts): BENCH_IMPORT_ROWS (default 1,000,000) generated lines imported
// through the real path (the upload stored in pieces, each applied by the import consumer) in workerd
// with local D1: rows per second, and the most D1 queries and rows written by one invocation.
//
// Part 8 (save, bench/save-to-served.ts): `npm start` serving 1 and 10,000 generated briefings; the
// seconds from saving a change to one briefing to that change being served on its page.
//
// BENCH_ONLY=digest,recovery (any of archive, digest, outage, recovery, ledger, console, scale, import, save) runs only those parts;
// their results replace the same parts in bench/results.json and the others are kept from before.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { freePort, type LocalWorker, startLocalWorker } from "../tests/support/local-worker.ts";
import { benchConsole, type ConsoleBench } from "./console.ts";
import { benchDigest, type DigestBench } from "./digest.ts";
import { benchDigestOutage, type OutageBench } from "./digest-outage.ts";
import { benchDigestRecovery, type RecoveryBench } from "./digest-recovery.ts";
import { type Generated, generateBriefings } from "./generate.ts";
import { benchImport, type ImportBench } from "./import.ts";
import { benchLedger, type LedgerBench } from "./ledger.ts";
import { benchSaveToServed, type SaveBench } from "./save-to-served.ts";
import { benchSendScale, type ScaleBench } from "./send-scale.ts";

const root = join(import.meta.dirname, "..");
let base = "";
const SIZES = [1000, Number(process.env.BENCH_BRIEFINGS ?? 10_000)];
const ROUND_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const offlineEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const PARTS = ["archive", "digest", "outage", "recovery", "ledger", "console", "scale", "import", "save"] as const;
const only = process.env.BENCH_ONLY?.split(",").map((p) => p.trim());
for (const p of only ?? []) {
  if (!(PARTS as readonly string[]).includes(p)) throw new Error(`BENCH_ONLY: unknown part ${p} (${PARTS.join(", ")})`);
}
const runs = (part: (typeof PARTS)[number]) => !only || only.includes(part);
const resultsFile = join(root, "bench", "results.json");

/** Generated briefings in bench/data-N, made again only when the generator's output would differ. */
function generated(count: number): { dir: string; stats: Generated } {
  const dir = join(root, "bench", `data-${count}`);
  const marker = join(dir, "generated.json");
  const source = readFileSync(join(root, "bench", "generate.ts"), "utf8");
  const key = gzipSync(source).length;
  if (existsSync(marker)) {
    const saved = JSON.parse(readFileSync(marker, "utf8")) as { key: number; stats: Generated };
    if (saved.key === key) return { dir, stats: saved.stats };
  }
  const stats = generateBriefings(dir, count);
  writeFileSync(marker, JSON.stringify({ key, stats }));
  return { dir, stats };
}

interface BuildResult {
  ms: number;
  files: number;
  megabytes: number;
  /** Bytes by kind of document: feeds (every format and page) and HTML pages. */
  feedMegabytes: number;
  pageMegabytes: number;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** The content build (what `npm run deploy` runs) for `data` and `origin`, into `assets`. */
function buildContent(data: string | undefined, origin: string, assets?: string): BuildResult {
  const started = performance.now();
  execFileSync(process.execPath, [join(root, "scripts", "build-content.ts")], {
    env: {
      ...process.env,
      SITE_URL: origin,
      ...(data ? { BRIEFWIRE_DATA: data } : {}),
      ...(assets ? { BRIEFWIRE_ASSETS: assets } : {}),
    },
    stdio: "ignore",
  });
  const ms = performance.now() - started;
  const files = walk(assets ?? join(root, ".generated", "assets"));
  const size = (fs: string[]) => fs.reduce((n, f) => n + statSync(f).size, 0) / 1e6;
  const feeds = files.filter((f) => /(feed\.xml|atom\.xml|feed\.json)$/.test(f));
  const pages = files.filter((f) => f.endsWith(".html"));
  return {
    ms: Math.round(ms),
    files: files.length,
    megabytes: Number(size(files).toFixed(1)),
    feedMegabytes: Number(size(feeds).toFixed(1)),
    pageMegabytes: Number(size(pages).toFixed(1)),
  };
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

function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Keeps this process (every thread of it) on `cpus`. */
function pinSelf(cpus: string) {
  execFileSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], { stdio: "ignore" });
}

type Rates = Record<string, { rps: number; ratioToHealthz: number; firstRequestMs?: number }>;

/** Request rates of `paths` and /healthz, in interleaved rounds, as ratios to /healthz. */
async function requestRates(paths: string[], firstMs: Record<string, number>): Promise<Rates> {
  await rate("/healthz"); // warm-up
  const identity = "/feed.xml (no gzip)";
  const samples: Record<string, number[]> = {
    "/healthz": [],
    ...Object.fromEntries(paths.map((f) => [f, []])),
    [identity]: [],
  };
  for (let r = 0; r < ROUNDS; r++) {
    for (const f of paths) {
      samples["/healthz"]!.push(await rate("/healthz"));
      samples[f]!.push(await rate(f));
    }
    // A client that does not accept gzip: shown for comparison, not a goal.
    samples["/healthz"]!.push(await rate("/healthz"));
    samples[identity]!.push(await rate("/feed.xml", false));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const health = mean(samples["/healthz"]!);
  return Object.fromEntries(
    Object.entries(samples).map(([path, xs]) => [
      path,
      {
        rps: Math.round(mean(xs)),
        ratioToHealthz: Number((mean(xs) / health).toFixed(3)),
        ...(firstMs[path] ? { firstRequestMs: firstMs[path] } : {}),
      },
    ]),
  );
}

interface ArchiveSize {
  briefings: number;
  build: BuildResult;
  bundle: { rawKiB: number; gzipKiB: number };
  startup: { activeMs: number; runs: number[] };
}

/** Part 1: sizes, build times and start-up with 1 briefing (the real data), 1,000 and 10,000; requests; import. */
async function benchArchive(results: Record<string, unknown>) {
  const largest = SIZES.at(-1) as number;
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const assetsDir = join(root, "bench", `assets-${largest}`);

  // Sizes, build times and start-up with 1 briefing (the real data), 1,000 and 10,000.
  const sizes: ArchiveSize[] = [];
  const generatedStats: Record<number, Generated> = {};
  for (const n of [1, ...SIZES]) {
    let data: string | undefined;
    if (n > 1) {
      console.log(`generating ${n} briefings…`);
      const g = generated(n);
      data = g.dir;
      generatedStats[n] = g.stats;
    }
    console.log(`building ${n} briefing(s)…`);
    // The largest is built for the origin the request benchmark serves it on.
    const build = buildContent(data, origin, n === largest ? assetsDir : join(root, "bench", "assets-tmp"));
    sizes.push({ briefings: n, build, bundle: bundleSize(), startup: startup() });
  }
  rmSync(join(root, "bench", "assets-tmp"), { recursive: true, force: true });
  rmSync(join(root, "bench", "assets-tmp.builds"), { recursive: true, force: true });
  results.archive = { sizes, generated: generatedStats };

  const slug = readdirSync(join(root, "bench", `data-${largest}`, "briefings"))
    .sort()
    [Math.floor(largest / 2)]?.replace(/\.md$/, "");
  const paths = ["/feed.xml", "/atom.xml", "/feed.json", `/briefings/${slug}`, "/page/50/feed.xml"];
  const worker: LocalWorker = await startLocalWorker({ assets: assetsDir, port });
  base = worker.url;
  try {
    // The first request of each (feeds: the Worker reads the file from the asset layer and gzips it once).
    const firstMs: Record<string, number> = {};
    for (const f of paths) {
      const t = performance.now();
      const res = await fetch(`${base}${f}`, { headers: { "accept-encoding": "gzip" } });
      if (!res.ok) throw new Error(`${f}: ${res.status}`);
      await res.arrayBuffer();
      firstMs[f] = performance.now() - t;
    }
    results.requests = await requestRates(paths, firstMs);
    results.import = await importSubscribers(100_000);
  } finally {
    await worker.stop();
  }
  // The same rates with the server on cores of its own and the client (autocannon, in this process)
  // on the remaining one. Sharing the cores, the client's own work counts against the server: it
  // spends about 1.3 ms of CPU reading a 77 KB gzip feed page against 0.2 ms for /healthz's answer.
  const cores = availableParallelism();
  if (cores >= 2 && hasTaskset()) {
    const pinned = await startLocalWorker({ assets: assetsDir, port, cpus: `1-${cores - 1}` });
    base = pinned.url;
    pinSelf("0");
    try {
      results.requestsSeparateCores = await requestRates(paths, {});
    } finally {
      pinSelf(`0-${cores - 1}`);
      await pinned.stop();
    }
  }
  buildContent(undefined, "http://localhost:8787"); // put the real content back in .generated/
}

async function main() {
  // A partial run keeps the other parts' figures from the last run.
  const results: Record<string, unknown> =
    only && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, "utf8")) : {};
  if (runs("archive")) await benchArchive(results);
  const recipients = Number(process.env.BENCH_RECIPIENTS ?? 20_000);
  // Resend's documented team limit (2 calls/s; some pages say 5). The pacer's price does not depend on
  // the limit (about one round trip per second); a faster limit also measures whether this machine's
  // sender keeps up (on a busy 2-core machine it needs 200-500 ms between calls).
  const limit = Number(process.env.BENCH_DIGEST_LIMIT ?? 2);
  if (runs("digest")) {
    console.log(`digest: ${recipients} recipients, stand-in limit ${limit} calls/s in a sliding one-second window…`);
    results.digest = await benchDigest(recipients, limit, "sliding");
    console.log(`digest: ${recipients} recipients, stand-in limit ${limit} calls/s in fixed one-second windows…`);
    results.digestFixedWindows = await benchDigest(recipients, limit, "fixed");
  }
  if (runs("outage")) {
    console.log(`digest: ${recipients} recipients through a 2-hour provider outage (simulated time)…`);
    results.digestOutage = await benchDigestOutage(recipients, 2);
  }
  if (runs("recovery")) {
    // Fewer recipients than above: in real time each edition waits out the outage and the backoff;
    // 10,000 still leave 60 calls (30 s at 2 calls/s) to measure after it, under each window.
    const after = Number(process.env.BENCH_RECOVERY_RECIPIENTS ?? 10_000);
    console.log(`digest: ${after} recipients, limit ${limit} calls/s, an outage mid-edition, under each window…`);
    [results.digestRecovery, results.digestRecoveryFixedWindows] = await benchDigestRecovery(after, limit, [
      "sliding",
      "fixed",
    ]);
  }
  if (runs("ledger")) {
    console.log("ledger: a simulated month of daily editions, 10,000 and 100,000 subscribers…");
    results.ledger = [await benchLedger(10_000), await benchLedger(100_000)];
  }
  if (runs("console")) {
    results.console = await benchConsole(Number(process.env.BENCH_CONSOLE_READERS ?? 1_000_000));
  }
  if (runs("scale")) {
    const sizes = (process.env.BENCH_SCALE_SIZES ?? "10000,100000").split(",").map(Number);
    console.log(`scale: whole editions to ${sizes.join(", ")} readers at 5 calls/s (simulated time)…`);
    results.scale = await benchSendScale(sizes, Number(process.env.BENCH_SCALE_RATE ?? 5));
  }
  if (runs("import")) {
    const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
    console.log(`import: ${rows} generated lines in pieces through the import consumer…`);
    results.import = await benchImport(rows);
  }
  if (runs("save")) {
    const save: SaveBench[] = [];
    for (const n of [1, SIZES.at(-1) as number]) {
      console.log(`save: npm start serving ${n} briefing(s), a saved title until served…`);
      // Each save rebuilds the whole archive: with 10,000 briefings one save is minutes, so time one.
      save.push(await benchSaveToServed(generated(n).dir, n > 1000 ? 1 : 3));
    }
    results.save = save;
    // npm start wrote the generated archive's settings to .generated/site.json: put the real content back.
    buildContent(undefined, "http://localhost:8787");
  }
  results.machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: (await import("node:os")).loadavg().map((l) => Number(l.toFixed(1))),
  };
  results.when = new Date().toISOString();
  results.parts = only ?? [...PARTS];
  mkdirSync(join(root, "bench"), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
  console.log("\nwritten: bench/results.json");
}

/** The table of the parts this run measured. */
function printTable(results: Record<string, unknown>) {
  const rows: string[][] = [["measure", "value", "goal"]];
  if (runs("archive")) archiveRows(results, rows);
  if (runs("save")) {
    for (const s of results.save as SaveBench[]) {
      rows.push([
        `${s.briefings} briefing(s): save → served (npm start)`,
        s.seconds.map((t) => `${t.toFixed(1)} s`).join(", "),
        "a few seconds",
      ]);
    }
  }
  if (runs("digest")) digestRows(results, rows);
  if (runs("ledger")) {
    for (const l of results.ledger as LedgerBench[]) {
      rows.push([
        `D1 size, ${l.subscribers} subscribers: week 1 → month (daily editions)`,
        `${l.week1MB} MB → ${l.monthMB} MB (${l.ratioMonthToWeek1}×; ${l.bytesPerRecipientEdition} B per recipient and edition)`,
        "≤ 1.5×",
      ]);
    }
  }
  if (runs("outage")) {
    const o = results.digestOutage as OutageBench;
    rows.push([
      `digest through a ${o.outageHours} h outage mid-edition, ${o.recipients} recipients`,
      `${o.lost} lost, ${o.duplicates} duplicate, ${o.acceptedCalls} calls accepted (${o.failingCalls} failed during the outage), done ${o.minutesAfterRecovery} min after recovery`,
      `0 lost, 0 duplicate, ⌈N/100⌉ = ${o.expectedCalls}`,
    ]);
  }
  if (runs("recovery")) {
    for (const r of [results.digestRecovery, results.digestRecoveryFixedWindows] as RecoveryBench[]) {
      rows.push([
        `digest throughput after recovery from a ${r.outageSeconds} s outage, limit ${r.rateLimitPerSecond} calls/s, ${r.rateWindow} window, ${r.recipients} recipients`,
        `${r.callsPerSecond} calls/s over ${r.deliveringCalls} calls (${r.ratioToLimit}× limit, ${r.status429} × 429; before the outage ${r.beforeOutage.ratioToLimit}×); first call ${r.secondsToFirstCall} s after recovery; ${r.lost} lost, ${r.duplicates} duplicate, ${r.acceptedCalls} calls accepted`,
        `≥ 0.95×, no 429, 0 lost, 0 duplicate, ⌈N/100⌉ = ${r.expectedCalls}`,
      ]);
    }
  }
  if (runs("console")) consoleRows(results.console as ConsoleBench, rows);
  if (runs("scale")) scaleRows(results.scale as ScaleBench, rows);
  if (runs("import")) {
    const i = results.import as ImportBench;
    rows.push([
      `import of ${i.rows.toLocaleString("en")} lines (${i.pieces} pieces, one per consumer invocation)`,
      `${i.rowsPerSecond.toLocaleString("en")} rows/s (${i.seconds} s; upload ${i.uploadSeconds} s, ${i.uploadQueries} queries)`,
      "",
    ]);
    rows.push([
      "import: D1 queries per invocation, max (upload and each piece)",
      `${Math.max(i.maxQueriesPerInvocation, i.uploadQueries)} (rows written ≤ ${i.maxRowsWrittenPerInvocation.toLocaleString("en")})`,
      "≤ 1,000",
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
}

function scaleRows(s: ScaleBench, rows: string[][]) {
  const [small, large] = [s.editions[0], s.editions.at(-1)];
  if (small && large && large !== small) {
    rows.push([
      `send time per recipient, ${large.readers.toLocaleString("en")} ÷ ${small.readers.toLocaleString("en")} readers`,
      `${(large.msPerRecipient / small.msPerRecipient).toFixed(2)} (${large.msPerRecipient} ÷ ${small.msPerRecipient} ms)`,
      "≤ 1.2",
    ]);
  }
  for (const e of s.editions) {
    const at = `${e.readers.toLocaleString("en")} readers`;
    rows.push([
      `edition wall time, ⌈N/100⌉ ÷ ${e.rate}/s ÷ simulated, ${at}`,
      `${(e.idealSeconds / e.simulatedSeconds).toFixed(3)} (${e.idealSeconds} s ideal, ${e.simulatedSeconds} s simulated, ${e.realSeconds} s real)`,
      "≥ 0.95",
    ]);
    rows.push([
      `D1 rows read / written per recipient, whole edition, ${at}`,
      `${e.rowsReadPerRecipient} / ${e.rowsWrittenPerRecipient} (${e.queriesPerRecipient} queries)`,
      "constant in N",
    ]);
    rows.push([
      `D1 queries per invocation, most over the edition, ${at}`,
      `${Math.max(e.maxQueries.send, e.maxQueries.plan, e.maxQueries.sweeper)} (send ${e.maxQueries.send}, plan ${e.maxQueries.plan}, sweeper ${e.maxQueries.sweeper})`,
      "≤ 1,000",
    ]);
  }
  rows.push([
    `failed calls in an outage's first minute, ${s.outage.chunksPending} chunks pending`,
    `${s.outage.failedCallsInFirstMinute}`,
    "≤ 10",
  ]);
}

function consoleRows(c: ConsoleBench, rows: string[][]) {
  const at = `${c.subscribers.toLocaleString("en")} subscribers, ${c.editions} editions`;
  rows.push([`console, ${at}: seed; kept counts = COUNT(*)`, `${c.seedSeconds} s; ${c.keptCountsMatch}`, "true"]);
  for (const t of c.timings) {
    rows.push([
      `console, ${at}: ${t.query}`,
      `median ${t.medianMs} ms, p95 ${t.p95Ms} ms, max ${t.maxMs} ms (${t.rows} rows)`,
      t.comparison ? "" : "≤ 200 ms",
    ]);
  }
  for (const t of c.pages ?? []) {
    rows.push([
      `console page p95 ms, ${at}: ${t.query.replace(/^page: /, "")}`,
      `p95 ${t.p95Ms} ms (median ${t.medianMs}, max ${t.maxMs}; ${t.rows} KB)`,
      "≤ 200 ms",
    ]);
  }
  for (const path of c.pagesMissing ?? [])
    rows.push([`console page p95 ms, ${at}: ${path}`, "not in this build (404)", ""]);
  for (const w of c.rowsWritten) {
    rows.push([
      `D1 rows written per subscriber change: ${w.change}`,
      `${w.withTriggers} (without triggers ${w.withoutTriggers})`,
      "",
    ]);
  }
}

function archiveRows(results: Record<string, unknown>, rows: string[][]) {
  const { sizes } = results.archive as { sizes: ArchiveSize[] };
  const largest = SIZES.at(-1) as number;
  const one = sizes[0] as ArchiveSize;
  const top = sizes.at(-1) as ArchiveSize;
  for (const z of sizes) {
    rows.push([
      `${z.briefings} briefing(s): build; documents`,
      `${(z.build.ms / 1000).toFixed(1)} s; ${z.build.files} files, ${z.build.megabytes} MB (feeds ${z.build.feedMegabytes}, pages ${z.build.pageMegabytes})`,
      z.briefings === largest ? "build ≤ 60 s" : "",
    ]);
    rows.push([
      `${z.briefings} briefing(s): bundle; start-up CPU`,
      `${z.bundle.gzipKiB.toFixed(0)} KiB gzip (${z.bundle.rawKiB.toFixed(0)} raw); ${z.startup.activeMs} ms (${z.startup.runs.join(", ")})`,
      z.briefings === largest ? "≤ 250 KiB gzip" : "",
    ]);
  }
  rows.push([
    `start-up CPU, ${largest} vs 1 briefing`,
    `${(top.startup.activeMs / one.startup.activeMs).toFixed(2)}×`,
    "≤ 1.2×",
  ]);
  const separate = results.requestsSeparateCores as Rates | undefined;
  const setups: [Rates, string, boolean][] = [
    [results.requests as Rates, "client and server sharing the cores", !separate],
    ...(separate ? [[separate, "server on cores of its own", true] as [Rates, string, boolean]] : []),
  ];
  for (const [rates, setup, withGoal] of setups) {
    for (const [path, r] of Object.entries(rates)) {
      const first = r.firstRequestMs ? `, first ${r.firstRequestMs.toFixed(0)} ms` : "";
      const goal = path === "/healthz" ? "baseline" : path.includes("no gzip") || !withGoal ? "" : "≥ 0.9×";
      rows.push([
        `GET ${path} req/s, ${largest} briefings, ${setup}`,
        `${r.rps} (${r.ratioToHealthz}× healthz${first})`,
        goal,
      ]);
    }
  }
  const imp = results.import as { rows: number; seconds: number; rowsPerSecond: number; megabytes: number };
  rows.push([
    `CSV import, ${imp.rows} rows (${imp.megabytes} MB)`,
    `${imp.seconds} s (${imp.rowsPerSecond} rows/s)`,
    "works",
  ]);
}

function digestRows(results: Record<string, unknown>, rows: string[][]) {
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
}

await main();
