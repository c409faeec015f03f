// A quick look at the feed request rates alone (the request part of `npm run bench`, without the
// builds, the import and the digest): req/s of the feeds, a briefing page and page 50 against the
// Worker's /healthz, as ratios from interleaved rounds, served by `wrangler dev` from documents built
// beforehand.
//
//   node bench/feeds-quick.ts <assets folder>
//
// The folder must have been built for http://localhost:<port> (the port is read from its feed.xml),
// e.g. BRIEFWIRE_DATA=bench/data-10000 BRIEFWIRE_ASSETS=/tmp/assets BRIEFWIRE_KEEP_SITE_JSON=1
// SITE_URL=http://localhost:34523 node scripts/build-content.ts. The Worker is this checkout's.
// BENCH_SECONDS (default 5) and BENCH_ROUNDS (default 3) as in bench/run.ts.
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
} finally {
  await worker.stop();
}
