// The Worker's entry point: HTTP, the cron trigger (the digest) and the queue consumers (its fan-out,
// the confirmation and welcome mails, and subscriber imports applied piece by piece). It imports only the site settings and tag names; the
// briefings are static assets, and the digest reads the index of recent briefings from them
// (src/content/load-index.ts).
import site from "../.generated/site.json";
import { createApp } from "./app.ts";
import { ConfigError } from "./config.ts";
import { loadBriefingIndex } from "./content/load-index.ts";
import type { SiteInfo } from "./content/schema.ts";
import { handleQueue, handleScheduled } from "./digest/consumer.ts";
import type { DigestMessage } from "./digest/queue-messages.ts";
import type { Bindings } from "./env.ts";
import { handleMailQueue, MAIL_DEAD_LETTER_QUEUE, MAIL_QUEUE, type MailMessage } from "./mail/queue.ts";
import { vocabularyOf } from "./subscriptions/csv-import.ts";
import { consumeImportBatch, type ImportPieceMessage } from "./subscriptions/import-jobs.ts";
import { CLEANUP_CRON, expireStale } from "./subscriptions/retention.ts";

const app = createApp(site as SiteInfo);

const IMPORT_QUEUE = "briefwire-import";

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
      await logConfigError(loadBriefingIndex(env).then((index) => handleScheduled(controller, env, index)));
    } finally {
      await cleaned;
    }
  },
  queue: (batch, env) =>
    batch.queue === IMPORT_QUEUE
      ? consumeImportBatch(env.DB, batch as MessageBatch<ImportPieceMessage>, vocabularyOf(site))
      : batch.queue === MAIL_QUEUE || batch.queue === MAIL_DEAD_LETTER_QUEUE
        ? handleMailQueue(batch as MessageBatch<MailMessage>, env)
        : logConfigError(
            loadBriefingIndex(env).then((index) => handleQueue(batch as MessageBatch<DigestMessage>, env, index)),
          ),
} satisfies ExportedHandler<Bindings, DigestMessage | MailMessage | ImportPieceMessage>;
