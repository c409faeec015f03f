// Digest through a provider outage: an edition to N recipients, and a 2-hour outage (every call 5xx or
// a dropped connection) starting mid-edition. Time is simulated (hours of retries and 15-minute sweeps
// pass in a minute), so the run goes through workerd's test pool (vitest project "bench-outage", see
// bench/digest-outage.workers.ts) with real local D1 and the real consumer and sweeper; the Resend
// stand-in runs here, so every mail it accepted can be counted: lost, duplicated, calls that did work.
// Run alone: node bench/digest-outage.ts
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startResendMock } from "../tests/support/resend-mock.ts";

const root = join(import.meta.dirname, "..");

export interface OutageBench {
  recipients: number;
  outageHours: number;
  lost: number;
  duplicates: number;
  /** Batch calls the provider did work for (each mail's batch call id, counted once). */
  acceptedCalls: number;
  expectedCalls: number;
  failingCalls: number;
  ledgerSent: number;
  ledgerFailed: number;
  simulatedMinutes: number;
  minutesAfterRecovery: number;
  realSeconds: number;
}

export async function benchDigestOutage(recipients: number, outageHours = 2): Promise<OutageBench> {
  const mock = await startResendMock({ keepBodies: false });
  try {
    // Asynchronously: the stand-in answers from this process's event loop while vitest runs.
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        join(root, "node_modules", ".bin", "vitest"),
        ["run", "--project", "bench-outage", "--reporter", "default"],
        {
          cwd: root,
          env: {
            ...process.env,
            BENCH_RESEND_URL: mock.url,
            BENCH_RECIPIENTS: String(recipients),
            BENCH_OUTAGE_HOURS: String(outageHours),
          },
          maxBuffer: 256 * 1024 * 1024,
        },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`outage bench failed:\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`))
            : resolve(stdout),
      );
    });
    const line = /BENCH_OUTAGE (\{.*\})/.exec(out);
    if (!line) throw new Error(`outage bench printed no result:\n${out.slice(-4000)}`);
    const run = JSON.parse(line[1]!) as Omit<OutageBench, "lost" | "duplicates" | "acceptedCalls" | "expectedCalls"> & {
      edition: string;
    };
    const perReader = new Map<string, number>();
    const calls = new Set<string>();
    for (const m of mock.emails) {
      if (m.tags?.find((t) => t.name === "edition")?.value !== run.edition) continue;
      perReader.set(m.to[0]!, (perReader.get(m.to[0]!) ?? 0) + 1);
      if (m.batchCallId) calls.add(m.batchCallId);
    }
    let lost = 0;
    for (let i = 0; i < recipients; i++) if (!perReader.has(`outage-${i}@example.org`)) lost++;
    const duplicates = [...perReader.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    return {
      recipients,
      outageHours,
      lost,
      duplicates,
      acceptedCalls: calls.size,
      expectedCalls: Math.ceil(recipients / 100),
      failingCalls: run.failingCalls,
      ledgerSent: run.ledgerSent,
      ledgerFailed: run.ledgerFailed,
      simulatedMinutes: run.simulatedMinutes,
      minutesAfterRecovery: run.minutesAfterRecovery,
      realSeconds: run.realSeconds,
    };
  } finally {
    await mock.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await benchDigestOutage(Number(process.env.BENCH_RECIPIENTS ?? 20_000)));
}
