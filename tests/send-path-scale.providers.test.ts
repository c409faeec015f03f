// The send path's cost per reader does not grow with the list. Whole editions run end to end — start,
// planning, freezing and sending through the real consumer to the Resend stand-in, the sweeper, the
// provider's delivered and bounced webhooks, then compaction a week later — with D1 recorded
// (tests/support/counted-d1.ts). Every statement they ran is checked with EXPLAIN QUERY PLAN against the
// migrated schema (the rule is in tests/support/query-plans.ts), and the rows D1 read and wrote per
// recipient are compared at two list sizes.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { compactLedger, KEEP_DETAIL_DAYS } from "../src/digest/compaction.ts";
import { digestDeps } from "../src/digest/deps.ts";
import { startEdition } from "../src/digest/edition.ts";
import { completeIfDone, unqueuedChunks } from "../src/digest/ledger.ts";
import { resumeStalled } from "../src/digest/sweeper.ts";
import { handleEvent, type ResendEvent } from "../src/digest/webhooks.ts";
import { countedD1, type Totals } from "./support/counted-d1.ts";
import { progress, seedSubscribers } from "./support/digest.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";
import { formatPlan, planViolations, queryPlan } from "./support/query-plans.ts";
import { mockReset } from "./support/resend-control.ts";
import { SimulatedPlatform } from "./support/simulated-queues.ts";

const DAY = 86_400_000;

interface Invocation extends Totals {
  name: string;
}

interface EditionCost {
  recipients: number;
  total: Totals;
  invocations: Invocation[];
  statements: string[];
}

let editions = 0;

/**
 * One edition of the seed briefing to `readers` new daily readers, end to end, with D1 recorded. The
 * readers of earlier editions stay on the list (moved to the weekly cadence), so the list is larger
 * than the edition: what they cost is what a list of others costs.
 */
async function wholeEdition(readers: number): Promise<EditionCost> {
  editions++;
  await mockReset();
  await env.DB.prepare("UPDATE subscribers SET cadence = 'weekly' WHERE cadence = 'daily'").run();
  await seedSubscribers({ prefix: `scale${editions}-`, count: readers });
  // Each edition mails the seed briefing again: forget that an earlier one mailed it on this cadence.
  await env.DB.prepare("DELETE FROM edition_briefings WHERE cadence = 'daily'").run();

  const counted = countedD1(env.DB);
  const invocations: Invocation[] = [];
  const invocation = async (name: string, work: () => Promise<unknown>) => {
    const from = counted.statements.length;
    await work();
    invocations.push({ name, ...counted.since(from) });
  };
  const sim = new SimulatedPlatform(new Date(Date.UTC(2026, 10, 1 + 20 * editions, 7)));
  const deps = sim.wire({ ...digestDeps(env, compile(SEED_FILE)), db: counted.db });

  let edition = "";
  await invocation("cron: start the edition", async () => {
    edition = (
      await startEdition(deps, "daily", new Date("2024-10-17T07:00:00Z"), new Date(Date.UTC(2024, 9, 15, 0, editions)))
    ).edition;
  });
  const done = async () =>
    (await env.DB.prepare("SELECT status FROM editions WHERE id = ?1").bind(edition).first("status")) === "done";
  await sim.run(deps, { done, limitMs: 6 * 3_600_000, invocation });
  expect(await progress(edition)).toMatchObject({ status: "done", recipients: readers, sent: readers, failed: 0 });

  // The provider reports every mail delivered, and one in 50 bounced for good (which suppresses the
  // reader). One in 100 also comes with an id the ledger never learnt (as for a chunk given up behind a
  // lost answer): that event is matched by the edition and chunk tags and the address instead.
  const { results: sent } = await env.DB.prepare(
    "SELECT provider_id, address, chunk FROM deliveries WHERE edition_id = ?1 ORDER BY subscriber_id",
  )
    .bind(edition)
    .all<{ provider_id: string; address: string; chunk: number }>();
  expect(sent.every((d) => d.provider_id)).toBe(true);
  for (const [i, d] of sent.entries()) {
    const data = { email_id: d.provider_id, to: [d.address], tags: { edition, chunk: String(d.chunk) } };
    const events: ResendEvent[] = [
      i % 50 === 0
        ? { type: "email.bounced", data: { ...data, bounce: { type: "Permanent", message: "no such mailbox" } } }
        : { type: "email.delivered", data },
    ];
    if (i % 100 === 1) events.push({ type: "email.sent", data: { ...data, email_id: `re-unknown-${i}` } });
    for (const [k, event] of events.entries()) {
      await invocation("webhook", () =>
        handleEvent(counted.db, `evt-${edition}-${i}-${k}`, event, new Date(sim.now).toISOString()),
      );
    }
  }
  // The next quarter hour's sweep finds nothing to resume; a week later, compaction folds the edition.
  await invocation("sweeper", () => resumeStalled(deps));
  const later = new Date(sim.now + (KEEP_DETAIL_DAYS + 1) * DAY);
  for (let run = 0; run < 10; run++) {
    let moved = 0;
    await invocation("cron: compaction", async () => {
      const r = await compactLedger(counted.db, later);
      moved = r.deliveries + r.chunks + r.variants + r.webhookEvents;
    });
    if (moved === 0) break;
  }
  expect(await progress(edition)).toMatchObject({ sent: readers, bounced: Math.ceil(readers / 50) });

  return {
    recipients: readers,
    total: counted.since(0),
    invocations,
    statements: [...new Set(counted.statements.map((s) => s.sql))],
  };
}

function perRecipient(cost: EditionCost) {
  return {
    rowsRead: cost.total.rowsRead / cost.recipients,
    rowsWritten: cost.total.rowsWritten / cost.recipients,
  };
}

/** The most D1 queries (statements, a batch's each counted) one invocation of each kind made. */
function maxQueries(cost: EditionCost): Record<string, number> {
  const max: Record<string, number> = {};
  for (const i of cost.invocations) max[i.name] = Math.max(max[i.name] ?? 0, i.queries);
  return max;
}

describe("the send path at scale", () => {
  let small: EditionCost;
  let large: EditionCost;

  beforeAll(async () => {
    // Thousands of sent chunks and webhooks log a line each; the figures are printed below instead.
    vi.spyOn(console, "log").mockImplementation(() => {});
    small = await wholeEdition(300);
    large = await wholeEdition(3_000);
    vi.restoreAllMocks();
  }, 300_000);

  afterAll(async () => {
    await mockReset();
  });

  it("runs no statement that scans the list or reads it whole in a subquery", async () => {
    const statements = [...new Set([...small.statements, ...large.statements])];
    const failures: string[] = [];
    for (const sql of statements) {
      const plan = await queryPlan(env.DB, sql);
      for (const v of planViolations(sql, plan)) {
        failures.push(`${v}\n  in: ${sql.replace(/\s+/g, " ")}\n  plan:\n${formatPlan(plan).replace(/^/gm, "    ")}`);
      }
    }
    expect(statements.length).toBeGreaterThan(20);
    expect(failures, failures.join("\n\n")).toEqual([]);
  });

  it("reads and writes as many D1 rows per recipient at 3,000 readers as at 300", () => {
    const a = perRecipient(small);
    const b = perRecipient(large);
    console.info(
      JSON.stringify({
        figure: "D1 rows per recipient, whole edition",
        300: { read: a.rowsRead.toFixed(1), written: a.rowsWritten.toFixed(1) },
        3000: { read: b.rowsRead.toFixed(1), written: b.rowsWritten.toFixed(1) },
      }),
    );
    expect(b.rowsRead / a.rowsRead).toBeLessThanOrEqual(1.2);
    expect(b.rowsWritten / a.rowsWritten).toBeLessThanOrEqual(1.2);
  });

  it("keeps every invocation inside D1's 1,000 queries (Workers Paid)", () => {
    const max = maxQueries(large);
    // A consumer batch holds up to 100 chunks (wrangler.toml max_batch_size): what a full one would make.
    const sends = large.invocations.filter((i) => i.name === "briefwire-digest");
    const perChunk = sends.reduce((n, i) => n + i.queries, 0) / (large.recipients / 100);
    console.info(
      JSON.stringify({
        figure: "most D1 queries per invocation, 3,000 readers",
        ...max,
        "queries per chunk sent": perChunk.toFixed(1),
      }),
    );
    for (const [name, queries] of Object.entries(max)) expect(queries, name).toBeLessThanOrEqual(1_000);
  });
});

describe("an edition's chunks at 1,000,000 readers", () => {
  it("finds the chunks still to do without walking the ones already done", async () => {
    // 10,000 chunks, all done but the last. The planner asks which are not yet queued after every step,
    // and each sent chunk asks whether the edition is done: walked from the first chunk, those asks
    // read 2.4 and 5 rows per recipient at 1,000,000 readers in the bench, more the longer the edition.
    const id = "daily-chunk-walk";
    const at = "2026-12-01T07:00:00.000Z";
    await env.DB.prepare(
      `INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, created_at, updated_at)
       VALUES (?1, 'daily', ?2, ?2, '["x"]', '[]', 'sending', ?2, ?2)`,
    )
      .bind(id, at)
      .run();
    await env.DB.prepare(
      `WITH RECURSIVE n (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)
       INSERT INTO edition_chunks (edition_id, chunk, status, enqueued, recipients, sent, updated_at)
       SELECT ?1, i, CASE WHEN i < 9999 THEN 'sent' ELSE 'pending' END, i < 9999, 100, 100, ?2 FROM n`,
    )
      .bind(id, at)
      .run();
    const counted = countedD1(env.DB);
    expect(await unqueuedChunks(counted.db, id)).toEqual([9999]);
    await completeIfDone(counted.db, id, at);
    const statements = counted.statements.map((s) => `${s.rowsRead} rows: ${s.sql.replace(/\s+/g, " ")}`);
    for (const s of counted.statements) expect(s.rowsRead, statements.join("\n")).toBeLessThanOrEqual(5);
    const row = await env.DB.prepare("SELECT status FROM editions WHERE id = ?1").bind(id).first<{ status: string }>();
    expect(row?.status).toBe("sending");
  });
});
