// A thread of the build that renders one share of the documents (see prerender.ts).
import { parentPort, workerData } from "node:worker_threads";
import type { Content } from "../content/schema.ts";
import { renderShard, type Shard, type ShardOptions } from "./render-shard.ts";

const { content, options, shard } = workerData as { content: Content; options: ShardOptions; shard: Shard };
parentPort?.postMessage(await renderShard(content, options, shard));
