// The send ledger stays bounded: a week after an edition is done, its per-recipient rows become one
// totals row (the admin view shows the same counts), its chunk rows and rendered bodies go, and old
// webhook events go; recent ones stay.
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
  // Its chunk rows as the send path leaves them: each sent, with how many it sent and skipped.
  await env.DB.prepare(
    `INSERT INTO edition_chunks (edition_id, chunk, status, recipients, sent, skipped, updated_at)
     SELECT edition_id, chunk, 'sent', COUNT(*), SUM(status = 'sent'), SUM(status = 'skipped'), ?2
     FROM deliveries WHERE edition_id = ?1 GROUP BY chunk`,
  )
    .bind(id, completedAt)
    .run();
}

/** What an edition's planning and sending leave besides the ledger: rendered variants and chunk rows, one failed. */
async function seedChunksAndVariants(id: string, recipients: number, at: string) {
  const body = "<p>the rendered digest</p>".repeat(2_000); // ~50 KB, like a real rendering
  const statements = [
    ...["a-briefing", "a-briefing,b-briefing"].map((variant) =>
      env.DB.prepare(
        "INSERT INTO edition_variants (edition_id, variant, subject, html, text) VALUES (?1, ?2, 'Today', ?3, ?4)",
      ).bind(id, variant, body, body.slice(0, 10_000)),
    ),
    // Its chunks' first attempts, chunk 3 given up (its readers failed, those skipped kept).
    env.DB.prepare(
      `UPDATE edition_chunks SET first_attempt_at = ?2, sender = 'digest@example.org', list_id = '<digest.example.org>',
         status = CASE chunk WHEN 3 THEN 'failed' ELSE status END, sent = CASE chunk WHEN 3 THEN 0 ELSE sent END,
         last_error = CASE chunk WHEN 3 THEN ?3 END
       WHERE edition_id = ?1 AND chunk < ?4`,
    ).bind(id, at, "gave up: 23 h after the first attempt; last answer unavailable: 503", Math.ceil(recipients / 100)),
    env.DB.prepare(
      "UPDATE deliveries SET status = 'failed' WHERE edition_id = ?1 AND chunk = 3 AND status <> 'skipped'",
    ).bind(id),
  ];
  await env.DB.batch(statements);
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
    expect(second).toMatchObject({ deliveries: 200 });
    expect(await compactLedger(env.DB, NOW, { batch: 500, maxBatches: 2 })).toMatchObject({ webhookEvents: 1 });

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

  it("keeps no chunk rows and no rendered bodies of a compacted edition; the admin view still shows its variants and errors", async () => {
    await seedSubscribers({ prefix: "cv-", count: 500 });
    const ids = (
      await env.DB.prepare("SELECT id FROM subscribers WHERE email LIKE 'cv-%' ORDER BY id").all<{ id: number }>()
    ).results.map((r) => r.id);
    await seedEdition("daily-cv-old", daysAgo(KEEP_DETAIL_DAYS + 2), ids);
    await seedChunksAndVariants("daily-cv-old", ids.length, daysAgo(KEEP_DETAIL_DAYS + 2));
    await seedEdition("daily-cv-recent", daysAgo(1), ids);
    await seedChunksAndVariants("daily-cv-recent", ids.length, daysAgo(1));
    const before = await progress("daily-cv-old");
    expect(before).toMatchObject({ variants: 2, errors: [{ chunk: 3, error: expect.stringMatching(/^gave up/) }] });
    const bodyBytes = (edition: string) =>
      count(
        "SELECT COALESCE(SUM(length(html) + length(text)), 0) AS n FROM edition_variants WHERE edition_id = ?1",
        edition,
      );
    const recentBytes = await bodyBytes("daily-cv-recent");
    expect(recentBytes).toBeGreaterThan(100_000);

    // Budget for exactly one edition at a time, with a stop between its deliveries and the rest.
    await compactLedger(env.DB, NOW, { batch: 500, maxBatches: 1 });
    await compactLedger(env.DB, NOW);

    expect(await count("SELECT COUNT(*) AS n FROM edition_chunks WHERE edition_id = 'daily-cv-old'")).toBe(0);
    expect(await bodyBytes("daily-cv-old")).toBe(0);
    const after = await progress("daily-cv-old");
    expect(after).toMatchObject({
      sent: before.sent,
      failed: before.failed,
      skipped: before.skipped,
      chunks: before.chunks,
      variants: 2,
      errors: before.errors,
    });
    // A recent edition keeps everything a retry or a look at its recipients needs.
    expect(await count("SELECT COUNT(*) AS n FROM edition_chunks WHERE edition_id = 'daily-cv-recent'")).toBe(5);
    expect(await bodyBytes("daily-cv-recent")).toBe(recentBytes);
  });

  it("an edition compacted before its chunks and renderings were: they go on the next run, its view unchanged", async () => {
    await seedSubscribers({ prefix: "up-", count: 300 });
    const ids = (
      await env.DB.prepare("SELECT id FROM subscribers WHERE email LIKE 'up-%' ORDER BY id").all<{ id: number }>()
    ).results.map((r) => r.id);
    await seedEdition("daily-up", daysAgo(40), ids);
    await seedChunksAndVariants("daily-up", ids.length, daysAgo(40));
    const before = await progress("daily-up");
    // What compaction left before it deleted chunks and renderings: totals, no deliveries, no copy yet.
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO edition_totals (edition_id, sent, failed, skipped, pending, compacted_at)
         VALUES ('daily-up', ?1, ?2, ?3, 0, ?4)`,
      ).bind(before.sent, before.failed, before.skipped, daysAgo(32)),
      env.DB.prepare("DELETE FROM deliveries WHERE edition_id = 'daily-up'"),
    ]);

    expect(await compactLedger(env.DB, NOW)).toMatchObject({ editions: ["daily-up"], chunks: 3, variants: 2 });
    expect(await count("SELECT COUNT(*) AS n FROM edition_chunks WHERE edition_id = 'daily-up'")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM edition_variants WHERE edition_id = 'daily-up'")).toBe(0);
    expect(await progress("daily-up")).toEqual(before);
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
