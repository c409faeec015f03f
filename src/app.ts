// The Hono application: middleware and routes wired together. Handlers live in src/routes/.
import { Hono, type MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { baseUrl, ConfigError } from "./config.ts";
import type { Content } from "./content/schema.ts";
import type { AppEnv } from "./env.ts";
import { problem } from "./http/problem.ts";
import { RenderCache } from "./http/render-cache.ts";
import { aboutRoutes } from "./routes/about.ts";
import { adminRoutes } from "./routes/admin.ts";
import { archiveRoutes } from "./routes/archive.ts";
import { calendarRoutes } from "./routes/calendar.ts";
import { feedRoutes } from "./routes/feeds.ts";
import { outboxRoutes } from "./routes/outbox.ts";
import { pageRoutes, renderError } from "./routes/pages.ts";
import { siteFileRoutes } from "./routes/site-files.ts";
import { subscriptionRoutes } from "./routes/subscriptions.ts";
import { webhookRoutes } from "./routes/webhooks.ts";

const SITE_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "https:", "data:"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};
// Feeds are fetched cross-origin by web-based readers, so no Cross-Origin-Resource-Policy.
const siteHeaders = secureHeaders({ contentSecurityPolicy: SITE_CSP, crossOriginResourcePolicy: false });
// The outbox page frames each mail's HTML part from this origin.
const outboxHeaders = secureHeaders({
  contentSecurityPolicy: { ...SITE_CSP, frameSrc: ["'self'"] },
  crossOriginResourcePolicy: false,
});
// A mail's HTML part: its inline styles may apply; scripts, forms and plugins may not (sandbox). Links
// open in a new tab, as they do from an inbox.
const mailPartHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'unsafe-inline'"],
    imgSrc: ["https:", "data:"],
    sandbox: ["allow-popups", "allow-popups-to-escape-sandbox"],
    frameAncestors: ["'self'"],
  },
});

const securityHeaders: MiddlewareHandler = (c, next) => {
  const path = c.req.path;
  if (/^\/outbox\/[^/]+\/html$/.test(path)) return mailPartHeaders(c, next);
  if (path === "/outbox") return outboxHeaders(c, next);
  return siteHeaders(c, next);
};

export function createApp(content: Content) {
  const renders = new RenderCache();
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    c.set("content", content);
    c.set("base", baseUrl(c.env, content.site.baseUrl));
    c.set("renders", renders);
    await next();
  });
  app.use(securityHeaders);

  app.get("/healthz", (c) => c.text("ok"));
  app.route("/", feedRoutes);
  app.route("/", calendarRoutes);
  app.route("/", pageRoutes);
  app.route("/", siteFileRoutes);
  app.route("/", aboutRoutes);
  app.route("/", subscriptionRoutes);
  app.route("/", outboxRoutes);
  app.route("/", archiveRoutes);
  app.route("/", webhookRoutes);
  app.route("/admin", adminRoutes);

  app.notFound((c) => renderError(c, 404, "Not found", "There is no page at this address."));
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
