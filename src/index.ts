// The Worker's entry point: HTTP, the cron trigger (the digest) and the queue consumer (its fan-out).
// It imports only the site settings and tag names; the briefings are static assets, and the digest
// reads the index of recent briefings from them (src/content/load-index.ts).
import site from "../.generated/site.json";
import { createApp } from "./app.ts";
import { loadBriefingIndex } from "./content/load-index.ts";
import type { SiteInfo } from "./content/schema.ts";
import { handleQueue, handleScheduled } from "./digest/consumer.ts";
import type { DigestMessage } from "./digest/queue-messages.ts";
import type { Bindings } from "./env.ts";

const app = createApp(site as SiteInfo);

export default {
  fetch: app.fetch,
  scheduled: async (controller, env, _ctx) => handleScheduled(controller, env, await loadBriefingIndex(env)),
  queue: async (batch, env) => handleQueue(batch as MessageBatch<DigestMessage>, env, await loadBriefingIndex(env)),
} satisfies ExportedHandler<Bindings, DigestMessage>;
