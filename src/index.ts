// The Worker's entry point: HTTP, the cron trigger (the digest) and the queue consumers (its fan-out,
// and the confirmation and welcome mails).
import content from "../.generated/content.json";
import { createApp } from "./app.ts";
import { ConfigError } from "./config.ts";
import type { Content } from "./content/schema.ts";
import { handleQueue, handleScheduled } from "./digest/consumer.ts";
import type { DigestMessage } from "./digest/queue-messages.ts";
import type { Bindings } from "./env.ts";
import { handleMailQueue, MAIL_DEAD_LETTER_QUEUE, MAIL_QUEUE, type MailMessage } from "./mail/queue.ts";
import { CLEANUP_CRON, expireStale } from "./subscriptions/retention.ts";

const site = content as Content;
const app = createApp(site);

/** Expires stale sign-ups on its own, so a failure there never holds up the digest (and vice versa). */
async function cleanup(controller: ScheduledController, env: Bindings) {
  if (controller.cron !== CLEANUP_CRON) return;
  try {
    await expireStale(env.DB, new Date(controller.scheduledTime));
  } catch (e) {
    console.error(JSON.stringify({ event: "cleanup-error", message: e instanceof Error ? e.message : String(e) }));
  }
}

/** A deployment without a mail provider (or signing key) fails closed; say so in the log, then fail. */
async function logConfigError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof ConfigError) console.error(JSON.stringify({ event: "config-error", message: e.message }));
    throw e;
  }
}

export default {
  fetch: app.fetch,
  scheduled: async (controller, env, _ctx) => {
    const cleaned = cleanup(controller, env);
    try {
      await logConfigError(handleScheduled(controller, env, site));
    } finally {
      await cleaned;
    }
  },
  queue: (batch, env) =>
    batch.queue === MAIL_QUEUE || batch.queue === MAIL_DEAD_LETTER_QUEUE
      ? handleMailQueue(batch as MessageBatch<MailMessage>, env)
      : logConfigError(handleQueue(batch as MessageBatch<DigestMessage>, env, site)),
} satisfies ExportedHandler<Bindings, DigestMessage | MailMessage>;
