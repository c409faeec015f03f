// Planning stops by a counted budget of D1 queries per invocation, not by the clock, and resumes where
// it stopped: every plan message is handled as the queue would (one invocation each), with D1
// recorded (tests/support/counted-d1.ts).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type DigestDeps, digestDeps } from "../src/digest/deps.ts";
import { planEdition, startEdition } from "../src/digest/edition.ts";
import { PLAN_QUERY_BUDGET } from "../src/digest/plan-budget.ts";
import type { DigestMessage } from "../src/digest/queue-messages.ts";
import { countedD1 } from "./support/counted-d1.ts";
import { seedSubscribers } from "./support/digest.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";

let editions = 0;

/** An edition of the seed briefing to `readers` new readers, planned to the end; D1 queries per plan invocation. */
async function planAll(readers: number, budget: number) {
  editions++;
  await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE status = 'confirmed'").run();
  await env.DB.prepare("DELETE FROM edition_briefings WHERE cadence = 'daily'").run();
  await seedSubscribers({ prefix: `budget${editions}-`, count: readers });
  const plans: DigestMessage[] = [];
  const chunks: DigestMessage[] = [];
  const counted = countedD1(env.DB);
  const deps: DigestDeps = {
    ...digestDeps(env, compile(SEED_FILE)),
    db: counted.db,
    queue: { sendBatch: async (m: { body: DigestMessage }[]) => void chunks.push(...m.map((x) => x.body)) } as never,
    planQueue: { send: async (body: DigestMessage) => void plans.push(body) } as never,
    planQueryBudget: budget,
  };
  const from = new Date(Date.UTC(2024, 9, 15, 0, editions));
  const { edition } = await startEdition(deps, "daily", new Date("2024-10-17T07:00:00Z"), from);
  const perInvocation: number[] = [];
  while (plans.length > 0) {
    const message = plans.shift() as DigestMessage;
    const mark = counted.statements.length;
    await planEdition(deps, message.edition);
    perInvocation.push(counted.since(mark).queries);
    if (perInvocation.length > 100) throw new Error("planning does not end");
  }
  const row = await env.DB.prepare("SELECT status, recipients, chunks FROM editions WHERE id = ?1")
    .bind(edition)
    .first<{ status: string; recipients: number; chunks: number }>();
  const planned = await env.DB.prepare(
    "SELECT COUNT(DISTINCT subscriber_id) AS n FROM deliveries WHERE edition_id = ?1",
  )
    .bind(edition)
    .first<number>("n");
  return { row, planned, perInvocation, chunks: chunks.length };
}

describe("planning's budget per invocation", () => {
  // At local speed a time budget (5 s) let one invocation make ~875 queries: 12,000 readers plan in one.
  it(`keeps a plan of 12,000 readers inside ${PLAN_QUERY_BUDGET} D1 queries per invocation and completes it`, async () => {
    const { row, planned, perInvocation, chunks } = await planAll(12_000, PLAN_QUERY_BUDGET);
    expect(row).toEqual({ status: "sending", recipients: 12_000, chunks: 120 });
    expect(planned).toBe(12_000);
    expect(chunks).toBe(120);
    for (const queries of perInvocation) expect(queries).toBeLessThanOrEqual(PLAN_QUERY_BUDGET);
    expect(perInvocation.length).toBeGreaterThan(1);
  }, 30_000);

  it("keeps each invocation within 50 queries when set for Workers Free, resuming where the last one stopped", async () => {
    const { row, planned, perInvocation, chunks } = await planAll(3_000, 50);
    expect(row).toEqual({ status: "sending", recipients: 3_000, chunks: 30 });
    expect(planned).toBe(3_000);
    expect(chunks).toBe(30);
    for (const queries of perInvocation) expect(queries).toBeLessThanOrEqual(50);
    expect(perInvocation.length).toBeGreaterThan(1);
  }, 30_000);
});
