// The send path at scale: whole editions at several list sizes in simulated time (vitest project
// "bench-scale", see bench/send-scale.workers.ts), against the Resend stand-in run here. Figures: send
// time per recipient across sizes, the edition's simulated wall time against ⌈N/100⌉ ÷ rate, D1 rows
// and queries per recipient, the most D1 queries of any invocation, and failed calls in an outage's
// first minute with 80 chunks pending. Run alone: node bench/send-scale.ts
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startResendMock } from "../tests/support/resend-mock.ts";

const root = join(import.meta.dirname, "..");

export interface ScaleEdition {
  readers: number;
  rate: number;
  realSeconds: number;
  msPerRecipient: number;
  simulatedSeconds: number;
  idealSeconds: number;
  rowsReadPerRecipient: number;
  rowsWrittenPerRecipient: number;
  queriesPerRecipient: number;
  maxQueries: { send: number; plan: number; sweeper: number };
  invocations: number;
  /** The statements that read the most rows, per recipient. */
  heaviestReads: { sql: string; perRecipient: number }[];
}

export interface ScaleBench {
  editions: ScaleEdition[];
  outage: { chunksPending: number; failedCallsInFirstMinute: number };
}

export async function benchSendScale(sizes: number[], rate = 5): Promise<ScaleBench> {
  const mock = await startResendMock({ keepBodies: false });
  try {
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        join(root, "node_modules", ".bin", "vitest"),
        ["run", "--project", "bench-scale", "--reporter", "default"],
        {
          cwd: root,
          env: {
            ...process.env,
            BENCH_RESEND_URL: mock.url,
            BENCH_SCALE_SIZES: sizes.join(","),
            BENCH_SCALE_RATE: String(rate),
          },
          maxBuffer: 256 * 1024 * 1024,
        },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`scale bench failed:\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`))
            : resolve(stdout),
      );
    });
    const lines = [...out.matchAll(/BENCH_SCALE (\{.*\})/g)].map((m) => JSON.parse(m[1]!) as { kind: string });
    const editions = lines.filter((l) => l.kind === "edition") as unknown as ScaleEdition[];
    const outage = lines.find((l) => l.kind === "outage") as unknown as ScaleBench["outage"] | undefined;
    if (editions.length !== sizes.length || !outage)
      throw new Error(`scale bench printed no result:\n${out.slice(-4000)}`);
    return { editions, outage };
  } finally {
    await mock.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = (process.env.BENCH_SCALE_SIZES ?? "10000,100000").split(",").map(Number);
  console.log(JSON.stringify(await benchSendScale(sizes), null, 2));
}
