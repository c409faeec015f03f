// The Worker's entry point: HTTP, the cron trigger and the queue consumer.
import content from "../.generated/content.json";
import { createApp } from "./app.ts";
import type { Content } from "./content/schema.ts";

const app = createApp(content as Content);

export default {
  fetch: app.fetch,
  // The digest issue fills these: the cron plans an edition, the queue consumer sends its batches.
  async scheduled() {},
  async queue() {},
} satisfies ExportedHandler<Env>;
