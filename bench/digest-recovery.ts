// Digest throughput after the provider comes back from an outage, in real time: an edition to N
// recipients through the real local Worker, Queue, consumer and pacer (wrangler dev), against the
// Resend stand-in limited to a set rate. Once `outageAfterCalls` batch calls are accepted the stand-in
// goes down (every call 5xx or a dropped connection, in turn) for `outageSeconds`, then recovers.
// Measured over the part after recovery, by the stand-in's own clock: calls accepted per second from
// the first accepted call after recovery to the last, against the limit; 429s; and, over the whole
// edition, mails lost and duplicated. The wait from recovery to the first accepted call (the backoff
// still running when the provider returns: up to 5 minutes after a long outage) is reported apart.
//
// Why real time, not the simulated 2-hour outage of bench/digest-outage.ts: the rate after recovery
// depends on what the simulated platform replaces — the pacer's clock, the queue's batching and
// redelivery of delayed messages, the round trips. The outage here lasts long enough for every
// pending chunk to fail and for the batches to wait behind one probe each, as in an outage of hours;
// only the backoff reached is shorter (it decides when the first call after recovery comes, not the
// rate after it).
// Run alone: node bench/digest-recovery.ts
import { fileURLToPath } from "node:url";
import { startLocalWorker } from "../tests/support/local-worker.ts";
import type { RateWindow } from "../tests/support/rate-windows.ts";
import { type ResendMock, startResendMock } from "../tests/support/resend-mock.ts";
import { importReaders, measureThroughput, type Throughput } from "./digest.ts";

const AUTH = { Authorization: "Bearer dev-admin-token" };

export interface RecoveryBench extends Throughput {
  recipients: number;
  rateWindow: RateWindow;
  outageSeconds: number;
  /** Accepted batch calls when the outage began. */
  callsBeforeOutage: number;
  /** Calls answered 5xx or dropped during the outage. */
  failingCalls: number;
  /** The same edition's rate before the outage, on the same machine at the same moment: what the pacer reaches here anyway. */
  beforeOutage: { calls: number; callsPerSecond: number; ratioToLimit: number };
  /** From the provider's return to the first accepted call. */
  secondsToFirstCall: number;
  lost: number;
  duplicates: number;
  /** Batch calls that did work over the whole edition (each counted once). */
  acceptedCalls: number;
  expectedCalls: number;
}

export interface RecoveryOptions {
  outageAfterCalls?: number;
  outageSeconds?: number;
}

/**
 * One edition per window, through one Worker and one stand-in (its limit counted anew for each):
 * the first to `recipients` daily readers, the next to as many weekly readers, so each edition has
 * the seed briefing to mail.
 */
export async function benchDigestRecovery(
  recipients: number,
  ratePerSecond: number,
  windows: RateWindow[] = ["sliding"],
  options: RecoveryOptions = {},
): Promise<RecoveryBench[]> {
  const cadences = ["daily", "weekly"] as const;
  if (windows.length > cadences.length) throw new Error(`at most ${cadences.length} windows`);
  const mock = await startResendMock({ ratePerSecond, keepBodies: false });
  const worker = await startLocalWorker({ vars: { RESEND_API_KEY: "re_bench", RESEND_BASE_URL: mock.url } });
  try {
    await importReaders(
      worker.url,
      windows.flatMap((_, w) =>
        Array.from({ length: recipients }, (_, i) => `recovery${w}-${i}@example.org,${cadences[w]},`),
      ),
    );
    const results: RecoveryBench[] = [];
    for (const [w, rateWindow] of windows.entries()) {
      mock.reset();
      mock.setOptions({ ratePerSecond, rateWindow });
      results.push(
        await editionThroughOutage(worker.url, mock, ratePerSecond, w, cadences[w]!, recipients, rateWindow, options),
      );
    }
    return results;
  } finally {
    await worker.stop();
    await mock.close();
  }
}

async function editionThroughOutage(
  base: string,
  mock: ResendMock,
  ratePerSecond: number,
  w: number,
  cadence: string,
  recipients: number,
  rateWindow: RateWindow,
  // By default 40 % in, and long enough for the 60 % left to fail once each (30 s at 2 calls/s) and
  // then wait behind one probe per batch.
  { outageAfterCalls = Math.ceil((0.4 * recipients) / 100), outageSeconds = 50 }: RecoveryOptions,
): Promise<RecoveryBench> {
  const accepted = () => new Set(mock.emails.map((e) => e.batchCallId)).size;
  const run = await fetch(`${base}/admin/digest/run`, {
    method: "POST",
    headers: { ...AUTH, "Content-Type": "application/json" },
    body: JSON.stringify({ cadence, from: "2024-10-16T00:00:00Z", to: "2024-10-17T07:00:00Z" }),
  });
  if (!run.ok) throw new Error(`digest run: ${run.status} ${await run.text()}`);
  const { edition } = (await run.json()) as { edition: string };

  // The outage follows the stand-in's own count of accepted calls, checked every 20 ms.
  let outageFrom = 0;
  let recoveredAt = 0;
  let callsBeforeOutage = 0;
  const watch = setInterval(() => {
    if (!outageFrom && accepted() >= outageAfterCalls) {
      callsBeforeOutage = accepted();
      mock.setFaults({ outage: "mixed" });
      outageFrom = Date.now();
    } else if (outageFrom && !recoveredAt && Date.now() >= outageFrom + outageSeconds * 1000) {
      mock.setFaults({});
      recoveredAt = Date.now();
    }
  }, 20);
  let progress: { status: string; sent: number };
  try {
    for (;;) {
      const res = await fetch(`${base}/admin/digests/${edition}`, { headers: AUTH });
      if (!res.ok) throw new Error(`progress of ${edition}: ${res.status} ${(await res.text()).slice(0, 500)}`);
      progress = (await res.json()) as typeof progress;
      if (progress.status === "done" && recoveredAt) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    clearInterval(watch);
  }
  if (progress.sent !== recipients) throw new Error(`sent ${progress.sent} of ${recipients}`);

  const perReader = new Map<string, number>();
  for (const m of mock.emails) perReader.set(m.to[0]!, (perReader.get(m.to[0]!) ?? 0) + 1);
  let lost = 0;
  for (let i = 0; i < recipients; i++) if (!perReader.has(`recovery${w}-${i}@example.org`)) lost++;
  const duplicates = [...perReader.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const failingCalls = mock.calls.filter(
    (c) => c.arrivedAt >= outageFrom && c.arrivedAt < recoveredAt && (c.status === 0 || c.status >= 500),
  ).length;
  const before = measureThroughput(mock, ratePerSecond, Number.NEGATIVE_INFINITY, outageFrom);
  const firstAfter = Math.min(...mock.emails.filter((e) => e.receivedAt >= recoveredAt).map((e) => e.receivedAt));
  return {
    recipients,
    rateWindow,
    outageSeconds,
    callsBeforeOutage,
    beforeOutage: {
      calls: before.deliveringCalls,
      callsPerSecond: before.callsPerSecond,
      ratioToLimit: before.ratioToLimit,
    },
    failingCalls,
    secondsToFirstCall: Number(((firstAfter - recoveredAt) / 1000).toFixed(1)),
    lost,
    duplicates,
    acceptedCalls: accepted(),
    expectedCalls: Math.ceil(recipients / 100),
    ...measureThroughput(mock, ratePerSecond, recoveredAt),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(
    await benchDigestRecovery(
      Number(process.env.BENCH_RECIPIENTS ?? 10_000),
      Number(process.env.BENCH_DIGEST_LIMIT ?? 2),
      ["sliding", "fixed"],
      {
        outageAfterCalls: process.env.BENCH_OUTAGE_AFTER ? Number(process.env.BENCH_OUTAGE_AFTER) : undefined,
        outageSeconds: process.env.BENCH_OUTAGE_SECONDS ? Number(process.env.BENCH_OUTAGE_SECONDS) : undefined,
      },
    ),
  );
}
