// The digest under real operations, on simulated time: crashes, lost and dead-lettered messages,
// a neighbour holding the rate limit for an hour, provider outages of hours — through the real
// consumer, sweeper, local D1 and the Resend stand-in. Every case: each recipient gets exactly one mail.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type DigestDeps, digestDeps } from "../src/digest/deps.ts";
import { startEdition } from "../src/digest/edition.ts";
import { GIVE_UP_AFTER_MS } from "../src/digest/send.ts";
import type { MailTransport } from "../src/mail/transport.ts";
import { progress, seedSubscribers } from "./support/digest.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";
import { editionOf, mockFaults, mockReset, mockState } from "./support/resend-control.ts";
import { SimulatedPlatform } from "./support/simulated-queues.ts";

const HOUR = 3_600_000;
let windows = 0;

beforeEach(async () => {
  // Hours of simulated retries log thousands of lines; the assertions read the ledger instead.
  vi.spyOn(console, "log").mockImplementation(() => {});
  await mockReset();
  // Only this test's subscribers are on the list.
  await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE status = 'confirmed'").run();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A fresh edition of the seed briefing, its readers, and the digest wired to simulated queues and time. */
async function setUp(count: number, o: { callsPerSecond?: number } = {}) {
  windows++;
  const prefix = `rec${windows}-`;
  const readers = await seedSubscribers({ prefix, count });
  // Each story mails the seed briefing again: forget that earlier stories mailed it on this cadence.
  await env.DB.prepare("DELETE FROM edition_briefings WHERE cadence = 'daily'").run();
  const sim = new SimulatedPlatform(new Date(), o);
  // The production backoff base (the providers project sets 0 for the real-time tests).
  const deps = sim.wire({ ...digestDeps(env, compile(SEED_FILE)), backoffSeconds: 5 });
  const from = new Date(Date.UTC(2024, 9, 15, 0, windows));
  const start = (d: DigestDeps = deps) => startEdition(d, "daily", new Date("2024-10-17T07:00:00Z"), from);
  return { sim, deps, readers, start };
}

const isDone = (edition: string) => async () =>
  (await env.DB.prepare("SELECT status FROM editions WHERE id = ?1").bind(edition).first("status")) === "done";

async function mailsFor(edition: string) {
  return (await mockState()).emails.filter((e) => editionOf(e) === edition);
}

/** Every reader got exactly one mail, and the provider did the work in ⌈N/100⌉ accepted batch calls. */
/**
 * The provider as `inner` until its `n`-th accepted call, then down (every call a 5xx or a dropped
 * connection) until the test brings it back; `from` is when it went down. `onAccepted` hears every
 * accepted call.
 */
function downAfter(n: number, sim: SimulatedPlatform, inner: MailTransport, onAccepted?: (now: number) => void) {
  let accepted = 0;
  const outage = { from: 0, transport: inner };
  outage.transport = {
    name: inner.name,
    async send(batch, key) {
      const outcome = await inner.send(batch, key);
      if (!outcome.ok) return outcome;
      onAccepted?.(sim.now);
      if (++accepted === n) {
        await mockFaults({ outage: "mixed" });
        outage.from = sim.now;
      }
      return outcome;
    },
  };
  return outage;
}

async function expectExactlyOnce(edition: string, readers: string[]) {
  const mails = await mailsFor(edition);
  expect(mails.map((m) => m.to[0]).sort()).toEqual([...readers].sort());
  expect(new Set(mails.map((m) => m.batchCallId)).size).toBe(Math.ceil(readers.length / 100));
  expect(await progress(edition)).toMatchObject({ status: "done", sent: readers.length, failed: 0, pending: 0 });
}

describe("nothing stays stuck", () => {
  it("a crash right after the edition insert: the sweeper plans the edition, which completes once", async () => {
    const { sim, deps, readers, start } = await setUp(250);
    const dying = { ...deps, planQueue: { send: () => Promise.reject(new Error("the isolate died here")) } };
    await expect(start(dying as unknown as DigestDeps)).rejects.toThrow("the isolate died here");
    // A re-run finds the edition and starts nothing…
    const again = await start();
    expect(again.started).toBe(false);
    expect(sim.plan.held).toHaveLength(0);
    // …and the sweeper resumes it.
    await sim.run(deps, { done: isDone(again.edition), limitMs: HOUR });
    expect(sim.sweeps).toBeGreaterThan(0);
    await expectExactlyOnce(again.edition, readers);
  });

  it("a lost plan message and lost chunk messages: resumed by the sweeper, sent once", async () => {
    const { sim, deps, readers, start } = await setUp(1500);
    sim.plan.lose = 1;
    const run = await start();
    expect(run.started).toBe(true);
    expect(sim.plan.held).toHaveLength(0);
    // The plan steps after the first hand over to a new message; lose that too, and three chunks.
    await sim.run(deps, {
      done: async () => {
        if (sim.sweeps === 1 && sim.plan.lose === 0 && sim.digest.lose === 0) {
          sim.plan.lose = 1;
          sim.digest.lose = 3;
        }
        return isDone(run.edition)();
      },
      limitMs: 2 * HOUR,
    });
    await expectExactlyOnce(run.edition, readers);
  }, 60_000);

  it("a dead-lettered chunk inside its window is sent, even when the dead-letter consumer fails once", async () => {
    const { sim, deps, readers, start } = await setUp(300);
    const run = await start();
    await sim.run(deps, { done: async () => sim.digest.held.length === 3, limitMs: HOUR });
    // The queue dead-letters all three chunk messages (retries used up by a consumer that kept crashing).
    sim.dlq.held.push(...sim.digest.held.splice(0));
    let failures = 0;
    const flaky = new Proxy(env.DB, {
      get(db, key) {
        if (key === "prepare" && failures === 0) {
          failures++;
          return () => {
            throw new Error("D1_ERROR: Network connection lost.");
          };
        }
        const value = Reflect.get(db, key);
        return typeof value === "function" ? value.bind(db) : value;
      },
    });
    await sim.run({ ...deps, db: flaky }, { done: isDone(run.edition), limitMs: HOUR });
    expect(failures).toBe(1);
    await expectExactlyOnce(run.edition, readers);
  });

  it("a dead-lettered message the dead-letter consumer never gets (deleted): the sweeper sends the chunk", async () => {
    const { sim, deps, readers, start } = await setUp(200);
    const run = await start();
    await sim.run(deps, { done: async () => sim.digest.held.length === 2, limitMs: HOUR });
    sim.digest.held.splice(0); // gone: deleted after the dead-letter consumer's own retries
    await sim.run(deps, { done: isDone(run.edition), limitMs: HOUR });
    await expectExactlyOnce(run.edition, readers);
  });
});

describe("outages are survived", () => {
  it("a neighbour holding the rate limit for an hour (every call 429): nothing lost, nothing twice", async () => {
    const { sim, deps, readers, start } = await setUp(500);
    const until = sim.now + HOUR;
    // Every call for an hour answers 429 with retry-after 20 (with 1 s the case is the same, at 3,600 calls).
    await mockFaults({ outage: "rateLimited", outageRetryAfter: 20 });
    let over = false;
    const run = await start();
    await sim.run(deps, {
      done: isDone(run.edition),
      limitMs: 3 * HOUR,
      onTime: async (now) => {
        if (!over && now >= until) {
          over = true;
          await mockFaults({});
        }
      },
    });
    expect(sim.now).toBeGreaterThanOrEqual(until);
    // About one call per retry-after: the consumer waited as the headers said, not faster.
    const limited = (await mockState()).calls.filter((c) => c.status === 429).length;
    expect(limited).toBeGreaterThanOrEqual(HOUR / 20_000 - 1);
    expect(limited).toBeLessThanOrEqual(HOUR / 20_000 + 10);
    await expectExactlyOnce(run.edition, readers);
    // The 429s did not count as failures: no chunk was given up or pushed into a long backoff.
    expect(sim.now - until).toBeLessThan(60_000);
  }, 180_000);

  it("an outage of 2 hours starting mid-edition (every call 5xx or timing out): nothing lost, nothing twice", async () => {
    const { sim, deps, readers, start } = await setUp(500);
    let over = false;
    // The provider goes down right after the second accepted call.
    const outage = downAfter(2, sim, deps.transport);
    const { transport } = outage;
    const run = await start();
    await sim.run(
      { ...deps, transport },
      {
        done: isDone(run.edition),
        limitMs: 6 * HOUR,
        onTime: async (now) => {
          if (outage.from && !over && now >= outage.from + 2 * HOUR) {
            over = true;
            await mockFaults({});
          }
        },
      },
    );
    expect(over).toBe(true);
    const calls = (await mockState()).calls;
    expect(calls.some((c) => c.status === 500)).toBe(true);
    expect(calls.some((c) => c.status === 0)).toBe(true);
    // The chunks waited together: about one probe per backoff step (5 s … 5 min over 2 h), not a call per chunk.
    expect(calls.filter((c) => c.status !== 200).length).toBeLessThanOrEqual(40);
    await expectExactlyOnce(run.edition, readers);
    // Back within the capped backoff (5 minutes) of the provider's return.
    expect(sim.now - (outage.from + 2 * HOUR)).toBeLessThanOrEqual(5 * 60_000);
  }, 120_000);

  it("after an outage of 2 hours the sender is back at the provider's rate at once: no chunk left waiting out its backoff", async () => {
    // 2 calls a second, as Resend's limit: the edition's calls take time, so its chunks fail and come
    // due at staggered moments during the outage, as they do on the platform.
    const limit = 2;
    const { sim, deps, readers, start } = await setUp(12_000, { callsPerSecond: limit });
    let back = 0;
    const acceptedAfter: number[] = [];
    const outage = downAfter(10, sim, deps.transport, (now) => {
      if (back) acceptedAfter.push(now);
    });
    const { transport } = outage;
    const run = await start();
    await sim.run(
      { ...deps, transport },
      {
        done: isDone(run.edition),
        limitMs: 6 * HOUR,
        onTime: async (now) => {
          if (outage.from && !back && now >= outage.from + 2 * HOUR) {
            back = now;
            await mockFaults({});
          }
        },
      },
    );
    await expectExactlyOnce(run.edition, readers);
    expect(acceptedAfter.length).toBe(readers.length / 100 - 10);
    // From the first call after the outage to the last, the calls come at the provider's rate: no
    // stretch in which the sender idles while chunks deferred behind a probe still wait out a backoff
    // (up to 5 minutes each).
    const span = (acceptedAfter.at(-1)! - acceptedAfter[0]!) / 1000;
    const rate = (acceptedAfter.length - 1) / span;
    expect(rate).toBeGreaterThanOrEqual(0.95 * limit);
    // And the first call after the provider's return is within the capped backoff.
    expect(acceptedAfter[0]! - (outage.from + 2 * HOUR)).toBeLessThanOrEqual(5 * 60_000);
  }, 120_000);

  it("an outage longer than the idempotency window: given up 23 h after the first attempt, failed with the reason", async () => {
    const { sim, readers, start, ...rest } = await setUp(5);
    // The provider answers 500 to every call (stubbed here: 550 calls of 100 mails need not cross HTTP).
    const down: MailTransport = {
      name: "resend",
      send: async () => ({ ok: false, retry: true, kind: "unavailable", retryAfterSeconds: 0, message: "500" }),
    };
    const deps = { ...rest.deps, transport: down };
    const started = sim.now;
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    {
      const run = await start(deps);
      await sim.run(deps, { done: isDone(run.edition), limitMs: 30 * HOUR });
      const p = await progress(run.edition);
      expect(p).toMatchObject({ status: "done", sent: 0, failed: readers.length, pending: 0 });
      expect(p.errors.map((e) => e.error)).toEqual([expect.stringContaining("23 h after the first attempt")]);
      expect(sim.now - started).toBeGreaterThanOrEqual(GIVE_UP_AFTER_MS);
      expect(sim.now - started).toBeLessThan(GIVE_UP_AFTER_MS + HOUR);
      expect(errors.filter((e) => e.includes("digest-chunk-given-up"))).toHaveLength(1);
    }
  }, 180_000);
});
