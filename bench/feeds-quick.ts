// A quick look at the feed request rates alone (the request part of `npm run bench`, without the
// builds, the import and the digest): req/s of the feeds, a briefing page and page 50 against the
// Worker's /healthz, as ratios from interleaved rounds, served by `wrangler dev` from documents built
// beforehand. Then, for each path, the CPU time per request of the server (wrangler and its workerd
// processes, from /proc: Linux only) and of the measuring client: on a small machine the client's
// share of the CPU, which grows with the bytes it receives, moves the ratios as much as the server's.
//
//   node bench/feeds-quick.ts <assets folder>
//
// The folder must have been built for http://localhost:<port> (the port is read from its feed.xml),
// e.g. BRIEFWIRE_DATA=bench/data-10000 BRIEFWIRE_ASSETS=/tmp/assets BRIEFWIRE_KEEP_SITE_JSON=1
// SITE_URL=http://localhost:34523 node scripts/build-content.ts. The Worker is this checkout's.
// BENCH_SECONDS (default 5) and BENCH_ROUNDS (default 3) as in bench/run.ts; BENCH_CPU_REQUESTS
// (default 2000) requests per path for the CPU figures.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { startLocalWorker } from "../tests/support/local-worker.ts";

const assets = process.argv[2];
if (!assets) throw new Error("usage: node bench/feeds-quick.ts <assets folder>");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const origin = /<link>(http:\/\/localhost:\d+)\/<\/link>/.exec(readFileSync(join(assets, "feed.xml"), "utf8"))?.[1];
if (!origin) throw new Error(`${assets}/feed.xml links no http://localhost:<port> origin`);
const port = Number(new URL(origin).port);
const pages = readdirSync(join(assets, "briefings")).sort();
const slug = pages[Math.floor(pages.length / 2)]?.replace(/\.html$/, "");
const paths = ["/feed.xml", "/atom.xml", "/feed.json", `/briefings/${slug}`, "/page/50/feed.xml"];

async function rate(path: string): Promise<number> {
  const result = await autocannon({
    url: `${origin}${path}`,
    connections: 8,
    duration: SECONDS,
    headers: { "accept-encoding": "gzip" },
  });
  if (result.non2xx || result.errors) throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

const worker = await startLocalWorker({ assets, port });
try {
  for (const p of paths) {
    const res = await fetch(`${origin}${p}`, { headers: { "accept-encoding": "gzip" } });
    const bytes = (await res.arrayBuffer()).byteLength;
    console.log(`${p}: ${res.status}, ${bytes} bytes decoded, Content-Encoding ${res.headers.get("content-encoding")}`);
  }
  await rate("/healthz"); // warm-up
  const samples: Record<string, number[]> = Object.fromEntries(["/healthz", ...paths].map((p) => [p, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const p of paths) {
      samples["/healthz"]?.push(await rate("/healthz"));
      samples[p]?.push(await rate(p));
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const health = mean(samples["/healthz"] ?? []);
  for (const [p, xs] of Object.entries(samples)) {
    console.log(
      `${p.padEnd(36)} ${String(Math.round(mean(xs))).padStart(6)} req/s  ${(mean(xs) / health).toFixed(3)}×`,
    );
  }
  const requests = Number(process.env.BENCH_CPU_REQUESTS ?? 2000);
  const server = serverProcesses();
  for (const p of ["/healthz", ...paths]) {
    const before = server.map(cpuTicks);
    const client = process.cpuUsage();
    const result = await autocannon({
      url: `${origin}${p}`,
      connections: 8,
      amount: requests,
      headers: { "accept-encoding": "gzip" },
    });
    const clientUs = (({ user, system }) => user + system)(process.cpuUsage(client)) / requests;
    // Clock ticks of 10 ms (USER_HZ 100).
    const serverUs = (server.map(cpuTicks).reduce((n, t, i) => n + t - (before[i] ?? 0), 0) * 10_000) / requests;
    console.log(
      `${p.padEnd(36)} CPU per request: server ${Math.round(serverUs)} µs, client ${Math.round(clientUs)} µs; ` +
        `${Math.round(result.throughput.total / requests)} bytes received`,
    );
  }
} finally {
  await worker.stop();
}

/** wrangler dev (found by its port) and every process under it (workerd, esbuild). */
function serverProcesses(): string[] {
  const pgrep = (...args: string[]) => {
    try {
      return execFileSync("pgrep", args).toString().trim().split("\n");
    } catch {
      return []; // pgrep exits 1 when nothing matches
    }
  };
  const all = pgrep("-f", `dev --port ${port} `);
  if (!all.length) throw new Error("wrangler dev not found");
  for (let i = 0; i < all.length; i++) all.push(...pgrep("-P", all[i] as string).filter((p) => !all.includes(p)));
  return all;
}

/** User + system CPU of a process so far, in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // gone (a short-lived helper)
  }
}
