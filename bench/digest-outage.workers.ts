// Runs inside workerd (vitest project "bench-outage", started by bench/digest-outage.ts): an edition to
// BENCH_RECIPIENTS readers through the real consumer and sweeper on simulated queues and time, against
// the Resend stand-in, with a 2-hour outage (every call 5xx or a dropped connection) starting mid-edition.
// Prints one line, BENCH_OUTAGE {...}, with the simulated and real timings; the driver counts the mails.
import { env } from "cloudflare:workers";
import { expect, it, vi } from "vitest";
import { digestDeps } from "../src/digest/deps.ts";
import { startEdition } from "../src/digest/edition.ts";
import type { MailTransport } from "../src/mail/transport.ts";
import { seedSubscribers } from "../tests/support/digest.ts";
import { compile, SEED_FILE } from "../tests/support/fixtures.ts";
import { mockFaults } from "../tests/support/resend-control.ts";
import { SimulatedPlatform } from "../tests/support/simulated-queues.ts";

const HOUR = 3_600_000;

it("an edition through a 2-hour provider outage", async () => {
  const recipients = Number(env.BENCH_RECIPIENTS);
  const outageHours = Number(env.BENCH_OUTAGE_HOURS);
  await seedSubscribers({ prefix: "outage-", count: recipients });
  const sim = new SimulatedPlatform(new Date("2026-11-30T07:00:00Z"));
  const deps = sim.wire(digestDeps(env, compile(SEED_FILE)));
  const half = Math.ceil(recipients / 200);
  let accepted = 0;
  let outageFrom = 0;
  let over = false;
  let failing = 0;
  // The provider goes down once half the edition's calls are accepted.
  const transport: MailTransport = {
    name: deps.transport.name,
    async send(batch, key) {
      const outcome = await deps.transport.send(batch, key);
      if (!outcome.ok) failing++;
      if (outcome.ok && ++accepted === half) {
        await mockFaults({ outage: "mixed" });
        outageFrom = sim.now;
      }
      return outcome;
    },
  };
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const started = performance.now();
  const simStart = sim.now;
  const { edition } = await startEdition(deps, "daily", new Date("2024-10-17T07:00:00Z"));
  await sim.run(
    { ...deps, transport },
    {
      done: async () =>
        (await env.DB.prepare("SELECT status FROM editions WHERE id = ?1").bind(edition).first("status")) === "done",
      limitMs: 30 * HOUR,
      onTime: async (now) => {
        if (outageFrom && !over && now >= outageFrom + outageHours * HOUR) {
          over = true;
          await mockFaults({});
        }
      },
    },
  );
  log.mockRestore();
  const p = await env.DB.prepare(
    "SELECT COUNT(*) FILTER (WHERE status = 'sent') AS sent, COUNT(*) FILTER (WHERE status = 'failed') AS failed FROM deliveries WHERE edition_id = ?1",
  )
    .bind(edition)
    .first<{ sent: number; failed: number }>();
  expect(over).toBe(true);
  console.log(
    `BENCH_OUTAGE ${JSON.stringify({
      edition,
      recipients,
      outageHours,
      ledgerSent: p?.sent,
      ledgerFailed: p?.failed,
      failingCalls: failing,
      simulatedMinutes: Math.round((sim.now - simStart) / 60_000),
      minutesAfterRecovery: Math.round((sim.now - (outageFrom + outageHours * HOUR)) / 60_000),
      sweeps: sim.sweeps,
      realSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    })}`,
  );
});
