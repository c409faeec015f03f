// GET /index/recent.json — the index of recent briefings the Worker's digest loads — and
// /index/published/<YYYY-MM>/briefings.json, every briefing by the month it was published in, which an
// admin run for an older window reads (built into the static assets with every other document; see
// src/content/briefing-index.ts).
import { Hono } from "hono";
import { ssgParams } from "hono/ssg";
import {
  briefingsOfMonth,
  buildBriefingIndex,
  INDEX_PATH,
  monthPath,
  publishedMonths,
} from "../content/briefing-index.ts";
import type { DocumentEnv } from "../documents/env.ts";

export const briefingIndexRoutes = new Hono<DocumentEnv>();

briefingIndexRoutes.get(INDEX_PATH, (c) =>
  c.body(JSON.stringify(buildBriefingIndex(c.get("content"))), 200, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "public, max-age=300",
  }),
);

// hono/ssg: one file per month that has a briefing.
briefingIndexRoutes.get(
  monthPath(":month"),
  ssgParams<DocumentEnv>((c) => publishedMonths(c.get("content")).map((month) => ({ month }))),
);
briefingIndexRoutes.get(monthPath(":month"), (c) => {
  const month = briefingsOfMonth(c.get("content"), c.req.param("month") ?? "");
  if (!month.briefings.length) return c.notFound();
  return c.body(JSON.stringify(month), 200, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "public, max-age=300",
  });
});
