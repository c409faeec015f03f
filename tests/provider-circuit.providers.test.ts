// The provider's state, handled once for every chunk: an outage (or a hang) noticed by a shared
// circuit instead of one failed call per pending chunk, a spent quota read as a pause until it resets
// rather than as a rate limit, and a long retry-after that defers the rest of a consumer batch instead
// of holding it past the platform's 15 minutes. On simulated time, through the real consumer, sweeper,
// local D1 and the Resend stand-in.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { digestDeps } from "../src/digest/deps.ts";
import { startEdition } from "../src/digest/edition.ts";
import type { MailTransport, SendOutcome } from "../src/mail/transport.ts";
import { progress, seedSubscribers } from "./support/digest.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";
import { editionOf, mockFaults, mockReset, mockState } from "./support/resend-control.ts";
import { SimulatedPlatform } from "./support/simulated-queues.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Cloudflare stops a queue consumer after 15 minutes of wall time. */
const CONSUMER_WALL_LIMIT_MS = 15 * MINUTE;
let windows = 0;

beforeEach(async () => {
  vi.spyOn(console, "log").mockImplementation(() => {});
  await mockReset();
  await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE status = 'confirmed'").run();
  await env.DB.prepare("DELETE FROM provider_state")
    .run()
    .catch(() => {});
});

afterEach(async () => {
  vi.restoreAllMocks();
  await mockFaults({});
});

/**
 * A fresh edition and its readers on a simulated platform starting at `at`; every provider answer
 * passes through `watch`, which notes the simulated time of each one.
 */
async function setUp(count: number, o: { callsPerSecond?: number; at?: Date } = {}) {
  windows++;
  const readers = await seedSubscribers({ prefix: `circuit${windows}-`, count });
  await env.DB.prepare("DELETE FROM edition_briefings WHERE cadence = 'daily'").run();
  const sim = new SimulatedPlatform(o.at ?? new Date(), o);
  const base = sim.wire({ ...digestDeps(env, compile(SEED_FILE)), backoffSeconds: 5 });
  const answers: { at: number; outcome: SendOutcome }[] = [];
  const watch = (inner: MailTransport): MailTransport => ({
    name: inner.name,
    async send(batch, key) {
      const outcome = await inner.send(batch, key);
      answers.push({ at: sim.now, outcome });
      return outcome;
    },
  });
  const deps = { ...base, transport: watch(base.transport) };
  const from = new Date(Date.UTC(2024, 9, 15, 0, windows));
  const run = await startEdition(deps, "daily", new Date("2024-10-17T07:00:00Z"), from);
  const isDone = async () =>
    (await env.DB.prepare("SELECT status FROM editions WHERE id = ?1").bind(run.edition).first("status")) === "done";
  return { sim, deps, readers, answers, watch, edition: run.edition, isDone };
}

async function expectExactlyOnce(edition: string, readers: string[]) {
  const mails = (await mockState()).emails.filter((e) => editionOf(e) === edition);
  expect(mails.map((m) => m.to[0]).sort()).toEqual([...readers].sort());
  expect(new Set(mails.map((m) => m.batchCallId)).size).toBe(Math.ceil(readers.length / 100));
  expect(await progress(edition)).toMatchObject({ status: "done", sent: readers.length, failed: 0, pending: 0 });
}

const failed = <T extends { outcome: SendOutcome }>(answers: T[]) => answers.filter((a) => !a.outcome.ok);

describe("a spent quota is a pause, not a rate limit", () => {
  it("a daily quota answer pauses the edition until 00:00 UTC, shows why, calls nothing meanwhile, then sends each reader once", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    await mockFaults({ outage: "dailyQuota" });
    // Tomorrow (UTC) at 07:00: the admin view compares the pause with the real clock, so the simulated
    // day must lie ahead of it (a fixed date made this test fail once that day had passed).
    const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const { sim, deps, readers, answers, edition, isDone } = await setUp(250, {
      at: new Date(`${day}T07:00:00Z`),
    });
    const reset = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
    const resetIso = new Date(reset).toISOString();
    let during: Awaited<ReturnType<typeof progress>> | undefined;
    let over = false;
    await sim.run(deps, {
      // Read as a rate limit, the quota answer would come back about once a second: stop early then.
      done: async () => (await isDone()) || failed(answers).length > 30,
      limitMs: 2 * 24 * HOUR,
      onTime: async (now) => {
        if (!during && now >= Date.parse(`${day}T12:00:00Z`)) during = await progress(edition);
        if (!over && now >= reset) {
          over = true;
          await mockFaults({});
        }
      },
    });
    const refused = failed(answers);
    expect(refused.length, "calls answered with the quota").toBeGreaterThanOrEqual(1);
    expect(refused.length, "calls answered with the quota").toBeLessThanOrEqual(2);
    expect(refused.every((a) => !a.outcome.ok && a.outcome.kind === "quota")).toBe(true);
    // While paused, the admin view says until when and why.
    expect(during).toMatchObject({
      status: "sending",
      pending: readers.length,
      paused: { until: resetIso, reason: expect.stringContaining("daily_quota_exceeded") },
    });
    expect(lines.some((l) => l.includes('"provider-paused"') && l.includes(resetIso))).toBe(true);
    // Nothing was called between the quota answer and the reset; after it, each reader got one mail.
    const accepted = answers.filter((a) => a.outcome.ok);
    expect(accepted.every((a) => a.at >= reset)).toBe(true);
    await expectExactlyOnce(edition, readers);
    expect((await progress(edition)).paused).toBeNull();
  }, 120_000);

  it("a monthly quota pauses until the 1st at 00:00 UTC, past the 23 h window: refused calls started no clock, each reader gets one mail", async () => {
    await mockFaults({ outage: "monthlyQuota" });
    const { sim, deps, readers, answers, edition, isDone } = await setUp(150, {
      at: new Date("2026-12-29T07:00:00Z"),
    });
    const reset = Date.parse("2027-01-01T00:00:00Z");
    let over = false;
    await sim.run(deps, {
      done: async () => (await isDone()) || failed(answers).length > 30,
      limitMs: 4 * 24 * HOUR,
      onTime: async (now) => {
        if (!over && now >= reset) {
          over = true;
          await mockFaults({});
        }
      },
    });
    expect(failed(answers).length).toBeLessThanOrEqual(2);
    expect(answers.filter((a) => a.outcome.ok).every((a) => a.at >= reset)).toBe(true);
    // 65 h after the first call, not given up: a call the provider refused stored no idempotency key.
    await expectExactlyOnce(edition, readers);
    expect(sim.now - reset).toBeLessThan(HOUR);
  }, 120_000);
});

describe("one circuit for the provider", () => {
  it("an outage with 80 chunks pending costs at most 10 failed calls in its first minute, and clocks only the chunks called", async () => {
    await mockFaults({ outage: "mixed" });
    const { sim, deps, readers, answers, edition, isDone } = await setUp(8000, { callsPerSecond: 5 });
    const firstMinuteEnds = () => (failed(answers)[0]?.at ?? Number.POSITIVE_INFINITY) + MINUTE;
    await sim.run(deps, { done: async () => sim.now >= firstMinuteEnds(), limitMs: HOUR });
    const inFirstMinute = failed(answers).filter((a) => a.at < firstMinuteEnds()).length;
    // The figure the issue asks for (issue 18: 81 before the shared circuit).
    console.info(`failed calls in the first minute of an outage, 80 chunks pending: ${inFirstMinute}`);
    expect(inFirstMinute).toBeLessThanOrEqual(10);
    // A chunk deferred by the circuit before any call has not started its 23 h clock.
    const clocked = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM edition_chunks WHERE edition_id = ?1 AND key_used_at IS NOT NULL",
    )
      .bind(edition)
      .first<number>("n");
    expect(clocked).toBeLessThanOrEqual(inFirstMinute);
    expect(await progress(edition)).toMatchObject({ pending: readers.length, paused: { reason: expect.any(String) } });
    await mockFaults({});
    await sim.run(deps, { done: isDone, limitMs: HOUR });
    await expectExactlyOnce(edition, readers);
  }, 180_000);

  it("a hang (every call times out after 20 s) with 80 chunks pending: no consumer batch outlasts 15 minutes", async () => {
    const { sim, deps, readers, edition, isDone } = await setUp(8000, { callsPerSecond: 5 });
    let hanging = true;
    const started = sim.now;
    const inner = deps.transport;
    const transport: MailTransport = {
      name: inner.name,
      async send(batch, key) {
        if (!hanging) return inner.send(batch, key);
        sim.now += 20_000;
        return { ok: false, retry: true, kind: "unavailable", retryAfterSeconds: 0, message: "timed out after 20 s" };
      },
    };
    await sim.run(
      { ...deps, transport },
      {
        done: isDone,
        limitMs: 6 * HOUR,
        onTime: async (now) => {
          if (now >= started + HOUR) hanging = false;
        },
      },
    );
    expect(Math.max(...sim.batchWallMs)).toBeLessThanOrEqual(CONSUMER_WALL_LIMIT_MS);
    await expectExactlyOnce(edition, readers);
  }, 180_000);
});

describe("a long retry-after", () => {
  it("a neighbour holding the limit with retry-after 60 s: the batch defers instead of waiting past 15 minutes", async () => {
    await mockFaults({ outage: "rateLimited", outageRetryAfter: 60 });
    const { sim, deps, readers, answers, edition, isDone } = await setUp(2000);
    const until = sim.now + 30 * MINUTE;
    let over = false;
    await sim.run(deps, {
      done: isDone,
      limitMs: 3 * HOUR,
      onTime: async (now) => {
        if (!over && now >= until) {
          over = true;
          await mockFaults({});
        }
      },
    });
    expect(Math.max(...sim.batchWallMs)).toBeLessThanOrEqual(CONSUMER_WALL_LIMIT_MS);
    // Still about one call per retry-after, not faster.
    expect(failed(answers).length).toBeLessThanOrEqual(30 + 10);
    await expectExactlyOnce(edition, readers);
  }, 120_000);
});
