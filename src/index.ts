// The Worker's entry point: HTTP, the cron trigger (the digest) and the queue consumer (its fan-out).
import content from "../.generated/content.json";
import { createApp } from "./app.ts";
import type { Content } from "./content/schema.ts";
import { handleQueue, handleScheduled } from "./digest/consumer.ts";
import type { DigestMessage } from "./digest/queue-messages.ts";
import type { Bindings } from "./env.ts";

const site = content as Content;
const app = createApp(site);

export default {
  fetch: app.fetch,
  scheduled: (controller, env, _ctx) => handleScheduled(controller, env, site),
  queue: (batch, env) => handleQueue(batch as MessageBatch<DigestMessage>, env, site),
} satisfies ExportedHandler<Bindings, DigestMessage>;
