// A consumer invocation stops by counted budgets — D1 queries and provider calls — and the chunks it
// holds back come in the next invocation. A whole edition of 10,000 readers (100 chunks, one full
// queue batch, as wrangler.toml's max_batch_size allows) runs through the real consumer on the
// simulated queues, with D1 recorded (tests/support/counted-d1.ts) and the Resend stand-in counting calls.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CONSUMER_QUERY_BUDGET } from "../src/digest/consumer-budget.ts";
import { type DigestDeps, digestDeps } from "../src/digest/deps.ts";
import { startEdition } from "../src/digest/edition.ts";
import { deferChunks } from "../src/digest/ledger.ts";
import { countedD1 } from "./support/counted-d1.ts";
import { progress, seedSubscribers } from "./support/digest.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";
import { formatPlan, queryPlan } from "./support/query-plans.ts";
import { mockReset, mockState } from "./support/resend-control.ts";
import { SimulatedPlatform } from "./support/simulated-queues.ts";

interface Invocation {
  /** Messages the platform handed to this invocation. */
  messages: number;
  queries: number;
  calls: number;
}

let editions = 0;

async function wholeEdition(readers: number, tune: Partial<DigestDeps> = {}) {
  editions++;
  await mockReset();
  await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE status = 'confirmed'").run();
  await env.DB.prepare("DELETE FROM edition_briefings WHERE cadence = 'daily'").run();
  await seedSubscribers({ prefix: `consumer${editions}-`, count: readers });
  const counted = countedD1(env.DB);
  const sim = new SimulatedPlatform(new Date(Date.UTC(2026, 10, 1 + 3 * editions, 7)));
  const deps = sim.wire({ ...digestDeps(env, compile(SEED_FILE)), db: counted.db, ...tune });
  const { edition } = await startEdition(
    deps,
    "daily",
    new Date("2024-10-17T07:00:00Z"),
    new Date(Date.UTC(2024, 9, 15, 0, editions)),
  );
  const sends: Invocation[] = [];
  let calls = 0;
  const invocation = async (name: string, work: () => Promise<void>) => {
    if (name !== "briefwire-digest") return work();
    const messages = Math.min(sim.digest.maxBatch, sim.digest.held.filter((h) => h.dueAt <= sim.now).length);
    const mark = counted.statements.length;
    await work();
    const after = (await mockState()).calls.filter((c) => c.path === "/emails/batch").length;
    sends.push({ messages, queries: counted.since(mark).queries, calls: after - calls });
    calls = after;
  };
  const done = async () =>
    (await env.DB.prepare("SELECT status FROM editions WHERE id = ?1").bind(edition).first("status")) === "done";
  await sim.run(deps, { done, limitMs: 3_600_000, invocation });
  return { edition, sends };
}

/** Each chunk's idempotency key accepted once, and every reader sent once with a provider id of their own. */
async function expectEachReaderSentOnce(edition: string, readers: number) {
  const accepted = (await mockState()).calls.filter((c) => c.path === "/emails/batch" && c.status === 200);
  const keys = accepted.map((c) => c.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys.length).toBe(readers / 100);
  expect(await progress(edition)).toMatchObject({ status: "done", recipients: readers, sent: readers, failed: 0 });
  const ids = await env.DB.prepare(
    "SELECT COUNT(*) AS rows, COUNT(DISTINCT provider_id) AS ids FROM deliveries WHERE edition_id = ?1",
  )
    .bind(edition)
    .first<{ rows: number; ids: number }>();
  expect(ids).toEqual({ rows: readers, ids: readers });
}

describe("a consumer invocation's counted budgets", () => {
  beforeAll(() => void vi.spyOn(console, "log").mockImplementation(() => {}));
  afterAll(async () => {
    vi.restoreAllMocks();
    await mockReset();
  });

  // Before: one batch of 100 chunks made about 1,220 D1 queries, over Workers Paid's 1,000.
  it("keeps a full batch of 100 chunks inside 1,000 D1 queries and sends the rest in the next invocation", async () => {
    const { edition, sends } = await wholeEdition(10_000);
    console.info(JSON.stringify({ figure: "consumer invocations, 10,000 readers", sends }));
    expect(sends[0]?.messages).toBe(100);
    for (const s of sends) expect(s.queries).toBeLessThanOrEqual(CONSUMER_QUERY_BUDGET);
    expect(sends.length).toBeGreaterThan(1);
    await expectEachReaderSentOnce(edition, 10_000);
  }, 300_000);

  it("keeps each invocation within 50 D1 queries when set for Workers Free", async () => {
    const { edition, sends } = await wholeEdition(1_000, { consumerQueryBudget: 50 });
    for (const s of sends) expect(s.queries).toBeLessThanOrEqual(50);
    await expectEachReaderSentOnce(edition, 1_000);
  }, 120_000);

  it("makes at most the budgeted provider calls per invocation", async () => {
    const { edition, sends } = await wholeEdition(1_000, { consumerCallBudget: 3 });
    expect(sends[0]?.messages).toBe(10);
    for (const s of sends) expect(s.calls).toBeLessThanOrEqual(3);
    await expectEachReaderSentOnce(edition, 1_000);
  }, 120_000);
});

describe("holding chunks back", () => {
  it("finds the chunks it defers by their key, not by reading every pending chunk", async () => {
    // The consumer defers once per invocation: through the pending index this statement would read
    // every pending chunk of every edition each time (rows per recipient rising with the list).
    const counted = countedD1(env.DB);
    await deferChunks(counted.db, [{ edition: "e-any", chunk: 3 }], "2026-11-01T00:00:00.000Z");
    const sql = counted.statements.at(-1)?.sql ?? "";
    expect(sql).toMatch(/UPDATE edition_chunks/);
    const plan = formatPlan(await queryPlan(env.DB, sql));
    expect(plan).not.toMatch(/edition_chunks_pending/);
    expect(plan).toMatch(/SEARCH c USING INDEX sqlite_autoindex_edition_chunks_1 \(edition_id=\? AND chunk=\?\)/);
  });
});
