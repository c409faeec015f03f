// Digest benchmark: an edition to N recipients through the real local Worker, Queue and consumer,
// sending via the resend SDK to the local Resend stand-in limited to a set rate.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { startLocalWorker } from "../tests/support/local-worker.ts";
import { startResendMock } from "../tests/support/resend-mock.ts";

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

export interface DigestBench {
  recipients: number;
  rateLimitPerSecond: number;
  batchCalls: number;
  expectedBatchCalls: number;
  renders: number;
  seconds: number;
  callsPerSecond: number;
  ratioToLimit: number;
  mailsPerSecond: number;
  cpuMsPer1000: number;
  status429: number;
  /** Time between consecutive accepted batch calls: where the sender lost time to the limit. */
  gapsMs: { p50: number; p90: number; p99: number; max: number };
}

export async function benchDigest(recipients: number, ratePerSecond: number): Promise<DigestBench> {
  const mock = await startResendMock({ ratePerSecond });
  const worker = await startLocalWorker({ vars: { RESEND_API_KEY: "re_bench", RESEND_BASE_URL: mock.url } });
  try {
    const csv = [
      "email,cadence,tags",
      ...Array.from({ length: recipients }, (_, i) => `bench${i}@example.org,daily,`),
    ].join("\n");
    const imported = await fetch(`${worker.url}/admin/subscribers/import`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "text/csv" },
      body: csv,
    });
    if (!imported.ok) throw new Error(`import: ${imported.status}`);

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
    // Throughput from the first to the last accepted call: the part the rate limit governs.
    const first = Math.min(...mock.emails.map((e) => e.receivedAt));
    const last = Math.max(...mock.emails.map((e) => e.receivedAt));
    const seconds = (last - first) / 1000;
    const callsPerSecond = (ok.length - 1) / seconds;
    const starts = [...new Set(mock.emails.map((e) => e.batchCallId))].map(
      (id) => mock.emails.find((e) => e.batchCallId === id)!.receivedAt,
    );
    const gaps = starts
      .slice(1)
      .map((t, i) => t - starts[i]!)
      .sort((a, b) => a - b);
    const pct = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))] ?? 0;
    return {
      recipients,
      rateLimitPerSecond: ratePerSecond,
      batchCalls: ok.length,
      expectedBatchCalls: Math.ceil(recipients / 100),
      renders: progress.variants,
      seconds: Number(seconds.toFixed(2)),
      callsPerSecond: Number(callsPerSecond.toFixed(2)),
      ratioToLimit: Number((callsPerSecond / ratePerSecond).toFixed(3)),
      mailsPerSecond: Math.round((recipients - 100) / seconds),
      cpuMsPer1000: Number(((cpu * 1000) / (recipients / 1000)).toFixed(1)),
      status429: mock.calls.filter((c) => c.status === 429).length,
      gapsMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), max: gaps.at(-1) ?? 0 },
    };
  } finally {
    await worker.stop();
    await mock.close();
  }
}
