// GET /index/recent.json — the index of recent briefings the Worker's digest loads (built into the
// static assets with every other document; see src/content/briefing-index.ts).
import { Hono } from "hono";
import { buildBriefingIndex, INDEX_PATH } from "../content/briefing-index.ts";
import type { DocumentEnv } from "../documents/env.ts";

export const briefingIndexRoutes = new Hono<DocumentEnv>();

briefingIndexRoutes.get(INDEX_PATH, (c) =>
  c.body(JSON.stringify(buildBriefingIndex(c.get("content"))), 200, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "public, max-age=300",
  }),
);
