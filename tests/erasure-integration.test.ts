// Erase means erase: a reader erased while a chunk that holds them is in flight is gone from every
// table — frozen chunk rows, links, the outbox — as soon as that chunk settles; only the hashed
// suppression stays. Before, the frozen address and links stayed until compaction, a week later.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { handleQueue } from "../src/digest/consumer.ts";
import { digestDeps } from "../src/digest/deps.ts";
import { startEdition } from "../src/digest/edition.ts";
import { deliverChunk, prepareChunk } from "../src/digest/send.ts";
import { eraseSubscriber } from "../src/subscriptions/retention.ts";
import { seedSubscribers } from "./support/digest.ts";
import { briefingFile, compile } from "./support/fixtures.ts";
import { clearDigestHistory, queued, recordingEnv } from "./support/recorded-queues.ts";

const HOUR = 3_600_000;

/** Every row of every table of the app, as text. */
async function everyRow(): Promise<Map<string, string>> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite_%'",
  ).all<{ name: string }>();
  const found = new Map<string, string>();
  for (const { name } of tables.results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    found.set(name, JSON.stringify(rows.results));
  }
  return found;
}

it("a reader erased mid-edition is in no table once the chunk holding them settles", async () => {
  await clearDigestHistory();
  const readers = await seedSubscribers({ prefix: "erased-mid-edition-", count: 3 });
  const erased = readers[1] as string;
  const id = (await env.DB.prepare("SELECT id FROM subscribers WHERE email = ?1").bind(erased).first<{ id: number }>())!
    .id;
  const now = Date.now();
  const content = compile(
    briefingFile("erasure-briefing", {
      title: "A briefing mailed while a reader is erased",
      published: new Date(now - 2 * HOUR).toISOString(),
      summary: "Summary.",
      outcomes: [{ id: "one", headline: "One outcome." }],
    }),
  );
  const deps = digestDeps(recordingEnv, content);
  const { edition } = await startEdition(deps, "daily", new Date(now), new Date(now - 6 * HOUR));

  // Planning, through the real consumer; the send message it queues is taken by hand.
  const plans = queued.splice(0);
  const batch = createMessageBatch(
    "briefwire-digest-plan",
    plans.map((body, i) => ({ id: `plan-${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  await handleQueue(batch, recordingEnv, content);
  await getQueueResult(batch, createExecutionContext());
  const sends = queued.splice(0).filter((m) => m.kind === "send");
  expect(sends).toHaveLength(1);

  // The chunk's first attempt freezes the three readers; the reader is erased before its call.
  const prepared = await prepareChunk(deps, edition, 0);
  expect(prepared.done).toBe(false);
  expect(await eraseSubscriber(env.DB, erased, new Date())).toMatchObject({ erased: true });
  const inFlight = await env.DB.prepare("SELECT status, address FROM deliveries WHERE subscriber_id = ?1")
    .bind(id)
    .first();
  expect(inFlight, "kept while the chunk is in flight: a retry must send the same bytes").toEqual({
    status: "sending",
    address: erased,
  });

  expect(await deliverChunk(deps, prepared)).toEqual({ done: true });

  const localPart = erased.split("@")[0] as string;
  const holding = [...(await everyRow())].filter(([, text]) => text.includes(localPart)).map(([table]) => table);
  expect(holding, "tables still holding the erased address").toEqual([]);
  const settled = await env.DB.prepare(
    "SELECT status, address, unsubscribe_url, preferences_url FROM deliveries WHERE subscriber_id = ?1",
  )
    .bind(id)
    .first();
  expect(settled).toEqual({ status: "sent", address: null, unsubscribe_url: null, preferences_url: null });
  // The other readers' rows and mails are untouched.
  const others = await env.DB.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE address IS NOT NULL").first("n");
  expect(others).toBe(2);
  const mailed = await env.DB.prepare("SELECT to_address FROM outbox ORDER BY to_address").all();
  expect(mailed.results.map((r) => r.to_address)).toEqual([readers[0], readers[2]]);
});
