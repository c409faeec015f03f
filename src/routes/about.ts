// GET /about/json-feed-extension and its JSON Schema: where the JSON Feed extension's `about` points.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { EXTENSION_ABOUT_PATH, EXTENSION_SCHEMA_PATH, extensionSchema } from "../feeds/extension.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { conditionalGet } from "../http/render-cache.ts";
import { extensionPage } from "../web/extension-page.ts";

export const aboutRoutes = new Hono<AppEnv>();

const MAX_AGE = "public, max-age=3600";

aboutRoutes.get(EXTENSION_ABOUT_PATH, conditionalGet, async (c) => {
  const body = await extensionPage({ content: c.get("content"), base: c.get("base") }, EXTENSION_ABOUT_PATH);
  return c.body(String(body), 200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": MAX_AGE });
});

aboutRoutes.get(EXTENSION_SCHEMA_PATH, conditionalGet, (c) =>
  c.body(`${JSON.stringify(extensionSchema(c.get("base")), null, 2)}\n`, 200, {
    "Content-Type": "application/schema+json; charset=utf-8",
    "Cache-Control": MAX_AGE,
    "Access-Control-Allow-Origin": "*",
  }),
);

for (const path of [EXTENSION_ABOUT_PATH, EXTENSION_SCHEMA_PATH])
  rejectOtherMethods(aboutRoutes, path, ["GET", "HEAD"]);
