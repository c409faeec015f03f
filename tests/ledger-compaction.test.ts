// The send ledger stays bounded: a week after an edition is done, its per-recipient rows become one
// totals row (the admin view shows the same counts), and old webhook events go; recent ones stay.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { compactLedger, KEEP_DETAIL_DAYS } from "../src/digest/compaction.ts";
import worker from "../src/index.ts";
import { progress, seedSubscribers } from "./support/digest.ts";

const NOW = new Date("2026-11-29T07:15:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

/** A finished edition with one ledger row per subscriber: sent, with every 10th skipped and every 25th failed. */
async function seedEdition(id: string, completedAt: string, subscriberIds: number[]) {
  await env.DB.prepare(
    `INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, recipients, chunks, created_at, updated_at, completed_at)
     VALUES (?1, 'daily', ?2, ?2, '[]', '[]', 'done', ?3, ?4, ?2, ?2, ?2)`,
  )
    .bind(id, completedAt, subscriberIds.length, Math.ceil(subscriberIds.length / 100))
    .run();
  const rows = subscriberIds.map((sid, i) =>
    env.DB.prepare(
      "INSERT INTO deliveries (edition_id, subscriber_id, chunk, variant, status, provider_id, updated_at) VALUES (?1, ?2, ?3, '', ?4, ?5, ?6)",
    ).bind(
      id,
      sid,
      Math.floor(i / 100),
      i % 25 === 0 ? "failed" : i % 10 === 0 ? "skipped" : "sent",
      `p-${id}-${i}`,
      completedAt,
    ),
  );
  for (let i = 0; i < rows.length; i += 100) await env.DB.batch(rows.slice(i, i + 100));
}

async function count(sql: string, ...args: unknown[]) {
  return ((
    await env.DB.prepare(sql)
      .bind(...args)
      .first<{ n: number }>()
  )?.n ?? 0) as number;
}

describe("ledger compaction", () => {
  it("folds an edition done more than a week ago into totals, keeping what the admin view shows", async () => {
    await seedSubscribers({ prefix: "lc-", count: 1200 });
    const { results } = await env.DB.prepare("SELECT id FROM subscribers WHERE email LIKE 'lc-%' ORDER BY id").all<{
      id: number;
    }>();
    const ids = results.map((r) => r.id);
    await seedEdition("daily-old", daysAgo(KEEP_DETAIL_DAYS + 1), ids);
    await seedEdition("daily-recent", daysAgo(KEEP_DETAIL_DAYS - 1), ids);
    const before = await progress("daily-old");
    expect(before).toMatchObject({ sent: 1056, failed: 48, skipped: 96, pending: 0 });
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO webhook_events (id, type, received_at) VALUES ('msg_old', 'email.delivered', ?1)",
      ).bind(daysAgo(9)),
      env.DB.prepare(
        "INSERT INTO webhook_events (id, type, received_at) VALUES ('msg_new', 'email.delivered', ?1)",
      ).bind(daysAgo(1)),
    ]);

    // Small batches and a small budget: a backlog is worked off over several runs, never lost.
    const first = await compactLedger(env.DB, NOW, { batch: 500, maxBatches: 2 });
    expect(first).toMatchObject({ editions: ["daily-old"], deliveries: 1000, webhookEvents: 0 });
    expect(await progress("daily-old")).toMatchObject({ sent: 1056, failed: 48, skipped: 96 });
    const second = await compactLedger(env.DB, NOW, { batch: 500, maxBatches: 2 });
    expect(second).toMatchObject({ deliveries: 200, webhookEvents: 1 });

    expect(await count("SELECT COUNT(*) AS n FROM deliveries WHERE edition_id = 'daily-old'")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM deliveries WHERE edition_id = 'daily-recent'")).toBe(1200);
    const after = await progress("daily-old");
    expect(after).toMatchObject({ sent: before.sent, failed: before.failed, skipped: before.skipped, pending: 0 });
    expect(after.recipients).toBe(before.recipients);
    expect(await count("SELECT COUNT(*) AS n FROM webhook_events WHERE id IN ('msg_old', 'msg_new')")).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM webhook_events WHERE id = 'msg_new'")).toBe(1);

    // Nothing left to do: a further run changes nothing.
    expect(await compactLedger(env.DB, NOW)).toMatchObject({ editions: [], deliveries: 0, webhookEvents: 0 });
  });

  it("runs from the 15-minute cron", async () => {
    await seedSubscribers({ prefix: "cron-", count: 50 });
    const sids = (
      await env.DB.prepare("SELECT id FROM subscribers WHERE email LIKE 'cron-%' ORDER BY id").all<{ id: number }>()
    ).results.map((r) => r.id);
    await seedEdition("daily-cron", daysAgo(30), sids);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: NOW.getTime(), cron: "*/15 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await count("SELECT COUNT(*) AS n FROM deliveries WHERE edition_id = 'daily-cron'")).toBe(0);
    expect(await count("SELECT sent AS n FROM edition_totals WHERE edition_id = 'daily-cron'")).toBeGreaterThan(0);
  });
});
