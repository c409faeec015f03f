// Digest benchmark: an edition to N recipients through the real local Worker, Queue and consumer,
// sending via the resend SDK to the local Resend stand-in limited to a set rate, counted in the chosen
// window (sliding one-second window, fixed one-second windows, or token bucket).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { startLocalWorker } from "../tests/support/local-worker.ts";
import type { RateWindow } from "../tests/support/rate-windows.ts";
import { type ResendMock, startResendMock } from "../tests/support/resend-mock.ts";

const AUTH = { Authorization: "Bearer dev-admin-token" };

/** CPU seconds used so far by every workerd process (the Worker and wrangler's proxy in front of it). */
function workerdCpuSeconds(): number {
  const pids = execFileSync("pgrep", ["-x", "workerd"]).toString().trim().split("\n").filter(Boolean);
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    ticks += Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
  }
  return ticks / 100;
}

/** How fast the stand-in accepted batch calls, against its limit. */
/** Confirmed readers through the admin CSV import: `rows` are `email,cadence,tags` lines. */
export async function importReaders(workerUrl: string, rows: string[]): Promise<void> {
  const imported = await fetch(`${workerUrl}/admin/subscribers/import`, {
    method: "POST",
    headers: { ...AUTH, "Content-Type": "text/csv" },
    body: ["email,cadence,tags", ...rows].join("\n"),
  });
  if (!imported.ok) throw new Error(`import: ${imported.status}`);
}

export interface Throughput {
  rateLimitPerSecond: number;
  /** Batch calls that delivered mail (idempotent replays excluded). */
  deliveringCalls: number;
  /** From the first delivering call to the last. */
  seconds: number;
  callsPerSecond: number;
  ratioToLimit: number;
  mailsPerSecond: number;
  /** Answers 429 in the same span. */
  status429: number;
  /** Time between consecutive delivering calls: where the sender lost time to the limit. */
  gapsMs: { p50: number; p90: number; p99: number; max: number };
}

/**
 * Throughput of the batch calls the stand-in recorded from `since` until `until` (Date.now() ms): the
 * part of a run the rate limit governs. bench/digest-recovery.ts measures the rate before an outage
 * and after recovery with it.
 */
export function measureThroughput(
  mock: Pick<ResendMock, "emails" | "calls">,
  ratePerSecond: number,
  since = Number.NEGATIVE_INFINITY,
  until = Number.POSITIVE_INFINITY,
): Throughput {
  // One entry per call that delivered mail: when the stand-in did the work, and how many mails.
  const delivering = new Map<string, { at: number; mails: number }>();
  for (const e of mock.emails) {
    if (e.receivedAt < since || e.receivedAt >= until || e.batchCallId === undefined) continue;
    const call = delivering.get(e.batchCallId);
    if (call) call.mails++;
    else delivering.set(e.batchCallId, { at: e.receivedAt, mails: 1 });
  }
  const calls = [...delivering.values()].sort((a, b) => a.at - b.at);
  if (calls.length < 2) throw new Error(`throughput needs at least 2 delivering calls, got ${calls.length}`);
  const seconds = (calls.at(-1)!.at - calls[0]!.at) / 1000;
  const callsPerSecond = (calls.length - 1) / seconds;
  // Mails after the first call, over the time they took.
  const mails = calls.slice(1).reduce((sum, c) => sum + c.mails, 0);
  const gaps = calls
    .slice(1)
    .map((c, i) => c.at - calls[i]!.at)
    .sort((a, b) => a - b);
  const pct = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))] ?? 0;
  return {
    rateLimitPerSecond: ratePerSecond,
    deliveringCalls: calls.length,
    seconds: Number(seconds.toFixed(2)),
    callsPerSecond: Number(callsPerSecond.toFixed(2)),
    ratioToLimit: Number((callsPerSecond / ratePerSecond).toFixed(3)),
    mailsPerSecond: Math.round(mails / seconds),
    status429: mock.calls.filter((c) => c.status === 429 && c.at >= since && c.at < until).length,
    gapsMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), max: gaps.at(-1) ?? 0 },
  };
}

export interface DigestBench extends Throughput {
  recipients: number;
  rateWindow: RateWindow;
  batchCalls: number;
  expectedBatchCalls: number;
  renders: number;
  cpuMsPer1000: number;
}

export async function benchDigest(
  recipients: number,
  ratePerSecond: number,
  rateWindow: RateWindow = "sliding",
): Promise<DigestBench> {
  const mock = await startResendMock({ ratePerSecond, rateWindow });
  const worker = await startLocalWorker({ vars: { RESEND_API_KEY: "re_bench", RESEND_BASE_URL: mock.url } });
  try {
    await importReaders(
      worker.url,
      Array.from({ length: recipients }, (_, i) => `bench${i}@example.org,daily,`),
    );

    const cpuBefore = workerdCpuSeconds();
    const run = await fetch(`${worker.url}/admin/digest/run`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ cadence: "daily", from: "2024-10-16T00:00:00Z", to: "2024-10-17T07:00:00Z" }),
    });
    const { edition } = (await run.json()) as { edition: string };
    let progress: { status: string; sent: number; variants: number };
    for (;;) {
      progress = (await (
        await fetch(`${worker.url}/admin/digests/${edition}`, { headers: AUTH })
      ).json()) as typeof progress;
      if (progress.status === "done") break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const cpu = workerdCpuSeconds() - cpuBefore;
    if (progress.sent !== recipients) throw new Error(`sent ${progress.sent} of ${recipients}`);
    if (new Set(mock.emails.map((e) => e.to[0])).size !== recipients || mock.emails.length !== recipients) {
      throw new Error(`provider got ${mock.emails.length} mails for ${recipients} recipients`);
    }
    const ok = mock.calls.filter((c) => c.path === "/emails/batch" && c.status === 200);
    return {
      recipients,
      rateWindow,
      batchCalls: ok.length,
      expectedBatchCalls: Math.ceil(recipients / 100),
      renders: progress.variants,
      cpuMsPer1000: Number(((cpu * 1000) / (recipients / 1000)).toFixed(1)),
      ...measureThroughput(mock, ratePerSecond),
    };
  } finally {
    await worker.stop();
    await mock.close();
  }
}
