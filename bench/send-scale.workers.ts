// Runs inside workerd (vitest project "bench-scale", started by bench/send-scale.ts): whole editions to
// each of BENCH_SCALE_SIZES readers through the real planner and consumer on simulated queues and time,
// against the Resend stand-in, with D1 recorded (tests/support/counted-d1.ts). The sender keeps to
// BENCH_SCALE_RATE calls a second in simulated time: each call moves the simulated clock by 1/rate s
// (the pacer's spacing) and every deferral by its delay, so the simulated wall time is what the edition
// would take against a provider at that rate, while the real time is the send path's own work (the
// provider is never the bottleneck of the real run). Then the outage figure: 80 chunks pending when
// every call fails. Prints BENCH_SCALE {...} lines.
import { env } from "cloudflare:workers";
import { expect, it, vi } from "vitest";
import { digestDeps } from "../src/digest/deps.ts";
import { startEdition } from "../src/digest/edition.ts";
import type { MailTransport } from "../src/mail/transport.ts";
import { countedD1 } from "../tests/support/counted-d1.ts";
import { seedSubscribers } from "../tests/support/digest.ts";
import { compile, SEED_FILE } from "../tests/support/fixtures.ts";
import { mockFaults } from "../tests/support/resend-control.ts";
import { SimulatedPlatform } from "../tests/support/simulated-queues.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;
let editions = 0;

/** Readers of earlier runs leave the list; the seed briefing may be mailed again. */
async function freshList(prefix: string, readers: number) {
  editions++;
  await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE status = 'confirmed'").run();
  await env.DB.prepare("DELETE FROM edition_briefings WHERE cadence = 'daily'").run();
  await seedSubscribers({ prefix, count: readers });
}

async function editionStatus(edition: string) {
  return env.DB.prepare("SELECT status FROM editions WHERE id = ?1").bind(edition).first<string>("status");
}

it("whole editions at each size", async () => {
  const rate = Number(env.BENCH_SCALE_RATE);
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  for (const readers of String(env.BENCH_SCALE_SIZES).split(",").map(Number)) {
    await freshList(`scale${readers}-`, readers);
    const counted = countedD1(env.DB);
    const sim = new SimulatedPlatform(new Date(Date.UTC(2026, 10, editions, 7)), { callsPerSecond: rate });
    const deps = sim.wire({ ...digestDeps(env, compile(SEED_FILE)), db: counted.db });
    const invocations: { name: string; queries: number }[] = [];
    const started = performance.now();
    const simStart = sim.now;
    const { edition } = await startEdition(
      deps,
      "daily",
      new Date("2024-10-17T07:00:00Z"),
      new Date(Date.UTC(2024, 9, 15, 0, editions)),
    );
    await sim.run(deps, {
      done: async () => (await editionStatus(edition)) === "done",
      limitMs: 48 * HOUR,
      invocation: async (name, work) => {
        const mark = counted.statements.length;
        await work();
        invocations.push({ name, queries: counted.since(mark).queries });
      },
    });
    const realMs = performance.now() - started;
    const total = counted.since(0);
    const sent = await env.DB.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE edition_id = ?1 AND status = 'sent'")
      .bind(edition)
      .first<number>("n");
    expect(sent).toBe(readers);
    // The statements that read most, per recipient: where a cost that grows with the list would show.
    const bySql = new Map<string, number>();
    for (const st of counted.statements) bySql.set(st.sql, (bySql.get(st.sql) ?? 0) + st.rowsRead);
    const heaviestReads = [...bySql]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([sql, rows]) => ({
        sql: sql.replace(/\s+/g, " ").slice(0, 120),
        perRecipient: Number((rows / readers).toFixed(2)),
      }));
    const most = (name: string) => Math.max(0, ...invocations.filter((i) => i.name === name).map((i) => i.queries));
    console.info(
      `BENCH_SCALE ${JSON.stringify({
        kind: "edition",
        readers,
        rate,
        realSeconds: Number((realMs / 1000).toFixed(1)),
        msPerRecipient: Number((realMs / readers).toFixed(3)),
        simulatedSeconds: Number(((sim.now - simStart) / 1000).toFixed(1)),
        idealSeconds: Math.ceil(readers / 100) / rate,
        rowsReadPerRecipient: Number((total.rowsRead / readers).toFixed(2)),
        rowsWrittenPerRecipient: Number((total.rowsWritten / readers).toFixed(2)),
        queriesPerRecipient: Number((total.queries / readers).toFixed(3)),
        maxQueries: { send: most("briefwire-digest"), plan: most("briefwire-digest-plan"), sweeper: most("sweeper") },
        invocations: invocations.length,
        heaviestReads,
      })}`,
    );
  }
  log.mockRestore();
});

it("an outage with 80 chunks pending", async () => {
  await freshList("scale-outage-", 8000);
  const sim = new SimulatedPlatform(new Date(Date.UTC(2026, 11, 20, 7)), { callsPerSecond: 5 });
  const deps = sim.wire(digestDeps(env, compile(SEED_FILE)));
  const failedAt: number[] = [];
  const transport: MailTransport = {
    name: deps.transport.name,
    async send(batch, key) {
      const outcome = await deps.transport.send(batch, key);
      if (!outcome.ok) failedAt.push(sim.now);
      return outcome;
    },
  };
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const error = vi.spyOn(console, "error").mockImplementation(() => {});
  await mockFaults({ outage: "mixed" });
  const firstMinuteEnds = () => (failedAt[0] ?? Number.POSITIVE_INFINITY) + MINUTE;
  await startEdition(deps, "daily", new Date("2024-10-17T07:00:00Z"), new Date(Date.UTC(2024, 9, 15, 1)));
  await sim.run({ ...deps, transport }, { done: async () => sim.now >= firstMinuteEnds(), limitMs: HOUR });
  await mockFaults({});
  log.mockRestore();
  error.mockRestore();
  console.info(
    `BENCH_SCALE ${JSON.stringify({
      kind: "outage",
      chunksPending: 80,
      failedCallsInFirstMinute: failedAt.filter((at) => at < firstMinuteEnds()).length,
    })}`,
  );
});
