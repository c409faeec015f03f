// The Worker's Hono application: middleware and the routes that depend on the request or on state
// (subscriptions, admin, webhooks, the outbox, the digest archive). Documents that depend only on the
// content are static assets, built by src/documents/app.ts. Handlers live in src/routes/.
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { baseUrl, ConfigError } from "./config.ts";
import { loadBriefingIndex } from "./content/load-index.ts";
import type { BriefingIndex, SiteInfo } from "./content/schema.ts";
import type { AppEnv, Bindings } from "./env.ts";
import { rejectOtherMethods } from "./http/methods.ts";
import { problem } from "./http/problem.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { localeOfPath, localesOf } from "./i18n/locale.ts";
import { adminRoutes } from "./routes/admin.ts";
import { archiveRoutes } from "./routes/archive.ts";
import { consoleRoutes } from "./routes/console.ts";
import { consoleSubscriberRoutes } from "./routes/console-subscribers.ts";
import { feedAssetRoutes } from "./routes/feed-assets.ts";
import { outboxRoutes } from "./routes/outbox.ts";
import { renderError } from "./routes/pages.ts";
import { scheduledDocumentRoutes } from "./routes/scheduled-documents.ts";
import { subscriptionRoutes } from "./routes/subscriptions.ts";
import { webhookRoutes } from "./routes/webhooks.ts";

export interface AppOptions {
  /**
   * Where the briefing index comes from, as readers see it at `at`: the static asset in force by
   * default; tests hand in a content model.
   */
  briefingIndex?: (env: Bindings, at?: Date) => Promise<BriefingIndex>;
}

export function createApp(content: SiteInfo, options: AppOptions = {}) {
  const briefingIndex = options.briefingIndex ?? loadBriefingIndex;
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    c.set("content", content);
    c.set("base", baseUrl(c.env, content.site.baseUrl));
    c.set("briefingIndex", (at?: Date) => briefingIndex(c.env, at));
    await next();
  });
  app.use(securityHeaders);

  app.get("/healthz", (c) => c.text("ok"));
  rejectOtherMethods(app, "/healthz", ["GET", "HEAD"]);
  app.route("/", scheduledDocumentRoutes);
  app.route("/", feedAssetRoutes);
  app.route("/", subscriptionRoutes);
  app.route("/", outboxRoutes);
  app.route("/", archiveRoutes);
  // The archive again under each other language's prefix (/fr/digests), in that language.
  // The archive and the subscription pages again under each other language's prefix (/fr/digests,
  // /fr/subscribe, /fr/confirm/…), in that language.
  for (const locale of localesOf(content.site).slice(1)) {
    app.route(locale.prefix, archiveRoutes);
    app.route(locale.prefix, subscriptionRoutes);
  }
  app.route("/", webhookRoutes);
  // The console's pages first: the JSON API's auth middleware covers every other path under /admin.
  app.route("/", consoleRoutes);
  app.route("/", consoleSubscriberRoutes);
  app.route("/admin", adminRoutes);

  // Under a language's prefix (/fr/…) the 404 speaks that language.
  app.notFound((c) => {
    const locale = localeOfPath(c.get("content").site, c.req.path);
    return renderError(c, 404, locale.m.notFound, locale.m.noPageHere, locale);
  });
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    if (err instanceof ConfigError) {
      // A deployment mistake, not a visitor's: say so in the log, and fail closed.
      console.error(JSON.stringify({ event: "config-error", message: err.message }));
      const programs = c.req.path.startsWith("/admin/") || /json/i.test(c.req.header("Content-Type") ?? "");
      if (programs) return problem(c, 503, "Not available", [{ field: "service", reason: err.publicReason }]);
      return renderError(c, 503, "Not available", err.publicReason);
    }
    console.error(JSON.stringify({ event: "error", path: new URL(c.req.url).pathname, message: err.message }));
    return renderError(c, 500, "Something went wrong", "The error has been logged. Please try again shortly.");
  });
  return app;
}
