// The Hono application: middleware and routes wired together. Handlers live in src/routes/.
import { Hono } from "hono";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { Content } from "./content/schema.ts";
import { RenderCache } from "./http/render-cache.ts";
import { feedRoutes } from "./routes/feeds.ts";
import { pageRoutes, renderError } from "./routes/pages.ts";

export interface AppVariables {
  content: Content;
  /** Absolute base URL for links, without a trailing slash. */
  base: string;
  renders: RenderCache;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };

export function createApp(content: Content) {
  const renders = new RenderCache();
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    c.set("content", content);
    c.set("base", (c.env?.SITE_URL || content.site.baseUrl).replace(/\/+$/, ""));
    c.set("renders", renders);
    await next();
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "https:", "data:"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
      // Feeds are fetched cross-origin by web-based readers.
      crossOriginResourcePolicy: false,
    }),
  );
  // Answers If-None-Match from the ETag each cached document carries (see http/render-cache.ts).
  app.use(etag({ retainedHeaders: [...RETAINED_304_HEADERS, "last-modified", "content-type"] }));

  app.get("/healthz", (c) => c.text("ok"));
  app.route("/", feedRoutes);
  app.route("/", pageRoutes);

  app.notFound((c) => renderError(c, 404, "Not found", "There is no page at this address."));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    console.error(JSON.stringify({ event: "error", path: new URL(c.req.url).pathname, message: err.message }));
    return renderError(c, 500, "Something went wrong", "The error has been logged. Please try again shortly.");
  });
  return app;
}
