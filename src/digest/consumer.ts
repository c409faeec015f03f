// The queue consumer and the cron handler: thin wiring from platform events to the digest code.
import { baseUrl } from "../config.ts";
import type { Content } from "../content/schema.ts";
import type { Bindings } from "../env.ts";
import { announceNewContent } from "../websub/ping.ts";
import { recordFirstSeen } from "./briefing-record.ts";
import { digestDeps } from "./deps.ts";
import { planEdition, startEdition } from "./edition.ts";
import { sendInstantAlerts } from "./instant.ts";
import { cadencesDue } from "./plan.ts";
import type { DigestMessage } from "./queue-messages.ts";
import { deliverChunk, giveUpChunk, type PreparedChunk, prepareChunk } from "./send.ts";

export const DEAD_LETTER_QUEUE = "briefwire-digest-dlq";

/** The cron that starts the digest; the other (every 15 minutes) announces new content and sends instant alerts. */
export const DIGEST_CRON = "0 7 * * *";

export async function handleScheduled(controller: ScheduledController, env: Bindings, content: Content): Promise<void> {
  const at = new Date(controller.scheduledTime);
  await noteBriefingsSeen(env, content, at);
  if (env.WEBSUB_HUB) {
    await announceNewContent(env.DB, content, baseUrl(env, content.site.baseUrl), env.WEBSUB_HUB, at);
  }
  if (controller.cron !== DIGEST_CRON) return sendInstantAlerts(env, content, at);
  const deps = digestDeps(env, content);
  for (const cadence of cadencesDue(at)) await startEdition(deps, cadence, at);
}

/**
 * Every cron notes which briefings the site shows, so a briefing deployed between runs is known from
 * the first quarter hour after the deploy (how the next edition tells a late deploy from a backfill).
 * Its own step: a failure here is logged and costs nothing else (each edition's start notes them too).
 */
async function noteBriefingsSeen(env: Bindings, content: Content, at: Date): Promise<void> {
  try {
    const noted = await recordFirstSeen(env.DB, content, at);
    if (noted > 0) console.log(JSON.stringify({ event: "briefings-seen", noted, at: at.toISOString() }));
  } catch (e) {
    console.error(JSON.stringify({ event: "briefings-seen-error", message: String(e) }));
  }
}

export async function handleQueue(batch: MessageBatch<DigestMessage>, env: Bindings, content: Content): Promise<void> {
  const deps = digestDeps(env, content);
  const deadLetters = batch.queue === DEAD_LETTER_QUEUE;
  const messages = batch.messages;
  // While one chunk's batch call is in flight, the next chunk is prepared (D1 reads, links, bodies),
  // so the calls follow each other as closely as the provider's rate allows.
  const prepare = (i: number): Promise<PreparedChunk> | undefined => {
    const body = messages[i]?.body;
    if (deadLetters || body?.kind !== "send") return undefined;
    const prepared = prepareChunk(deps, body.edition, body.chunk);
    prepared.catch(() => {}); // handled when its turn comes
    return prepared;
  };
  let next = prepare(0);
  for (const [i, message] of messages.entries()) {
    const body = message.body;
    const prepared = next;
    next = undefined;
    try {
      if (deadLetters) {
        if (body.kind === "send") await giveUpChunk(deps, body.edition, body.chunk);
        else console.error(JSON.stringify({ event: "digest-plan-dead-lettered", edition: body.edition }));
        message.ack();
      } else if (body.kind === "plan") {
        await planEdition(deps, body.edition);
        message.ack();
      } else {
        const ready = await (prepared ?? prepareChunk(deps, body.edition, body.chunk));
        next = prepare(i + 1);
        const result = await deliverChunk(deps, ready);
        if (result.done) message.ack();
        else message.retry({ delaySeconds: Math.ceil(result.retryAfterSeconds) });
      }
    } catch (e) {
      // Unexpected (D1 hiccup, bug): let the queue retry, and after max_retries dead-letter it.
      console.error(JSON.stringify({ event: "digest-message-error", queue: batch.queue, body, message: String(e) }));
      message.retry({ delaySeconds: deps.backoffSeconds });
    }
    next ??= prepare(i + 1);
  }
}
