// The queue consumer and the cron handler: thin wiring from platform events to the digest code.
import type { Content } from "../content/schema.ts";
import type { Bindings } from "../env.ts";
import { digestDeps } from "./deps.ts";
import { planStep, startEdition } from "./edition.ts";
import { cadencesDue } from "./plan.ts";
import type { DigestMessage } from "./queue-messages.ts";
import { giveUpChunk, sendChunk } from "./send.ts";

export const DEAD_LETTER_QUEUE = "briefwire-digest-dlq";

export async function handleScheduled(controller: ScheduledController, env: Bindings, content: Content): Promise<void> {
  const deps = digestDeps(env, content);
  const at = new Date(controller.scheduledTime);
  for (const cadence of cadencesDue(at)) await startEdition(deps, cadence, at);
}

export async function handleQueue(batch: MessageBatch<DigestMessage>, env: Bindings, content: Content): Promise<void> {
  const deps = digestDeps(env, content);
  const deadLetters = batch.queue === DEAD_LETTER_QUEUE;
  for (const message of batch.messages) {
    const body = message.body;
    try {
      if (deadLetters) {
        if (body.kind === "send") await giveUpChunk(deps, body.edition, body.chunk);
        else console.error(JSON.stringify({ event: "digest-plan-dead-lettered", edition: body.edition }));
        message.ack();
      } else if (body.kind === "plan") {
        await planStep(deps, body.edition);
        message.ack();
      } else {
        const result = await sendChunk(deps, body.edition, body.chunk);
        if (result.done) message.ack();
        else message.retry({ delaySeconds: Math.ceil(result.retryAfterSeconds) });
      }
    } catch (e) {
      // Unexpected (D1 hiccup, bug): let the queue retry, and after max_retries dead-letter it.
      console.error(JSON.stringify({ event: "digest-message-error", queue: batch.queue, body, message: String(e) }));
      message.retry({ delaySeconds: deps.backoffSeconds });
    }
  }
}
