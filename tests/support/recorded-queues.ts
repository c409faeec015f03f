// Digest queues that only record what the digest sends, and a drain that then runs it (planning, then
// sending) through the real queue consumer, as the platform would — for tests that follow editions
// step by step instead of waiting on the local queues.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { BriefingIndex } from "../../src/content/schema.ts";
import { handleQueue } from "../../src/digest/consumer.ts";
import type { DigestMessage } from "../../src/digest/queue-messages.ts";

/** What the digest has queued and not yet delivered. */
export const queued: DigestMessage[] = [];
const recording = {
  send: async (body: DigestMessage) => void queued.push(body),
  sendBatch: async (messages: { body: DigestMessage }[]) => void queued.push(...messages.map((m) => m.body)),
} as unknown as Queue;

/** The Worker's environment with both digest queues recording. */
export const recordingEnv = { ...env, DIGEST_QUEUE: recording, DIGEST_PLAN_QUEUE: recording };

/** Runs everything queued (and what that queues in turn) through the consumer; every message must be acked. */
export async function deliverQueued(content: BriefingIndex, workerEnv = recordingEnv): Promise<void> {
  while (queued.length) {
    const messages = queued.splice(0);
    for (const kind of ["plan", "send"] as const) {
      const bodies = messages.filter((m) => m.kind === kind);
      if (!bodies.length) continue;
      const batch = createMessageBatch<DigestMessage>(
        kind === "plan" ? "briefwire-digest-plan" : "briefwire-digest",
        bodies.map((body, i) => ({ id: `${kind}-${i}`, timestamp: new Date(), attempts: 1, body })),
      );
      const ctx = createExecutionContext();
      await handleQueue(batch, workerEnv, content);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(bodies.length);
    }
  }
}

/** An empty digest history: no editions, claims, first sightings or outbox mail, and no confirmed reader. */
export async function clearDigestHistory(): Promise<void> {
  queued.length = 0;
  await env.DB.batch([
    ...[
      "deliveries",
      "edition_chunks",
      "edition_variants",
      "edition_briefings",
      "briefings_seen",
      "editions",
      "outbox",
    ].map((table) => env.DB.prepare(`DELETE FROM ${table}`)),
    env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed'"),
  ]);
}
