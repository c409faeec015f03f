// The security headers of every response: the Worker's (middleware) and the static documents' (the
// build copies them into `_headers`, see src/documents/prerender.ts).
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

const SITE_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "https:", "data:"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};
// Feeds are fetched cross-origin by web-based readers, so no Cross-Origin-Resource-Policy.
export const siteHeaders = secureHeaders({ contentSecurityPolicy: SITE_CSP, crossOriginResourcePolicy: false });
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

// The console: its own script file (live progress), which polls the JSON API, and the mail preview
// framed from this origin. Still no inline script or style.
const consoleHeaders = secureHeaders({
  contentSecurityPolicy: { ...SITE_CSP, scriptSrc: ["'self'"], connectSrc: ["'self'"], frameSrc: ["'self'"] },
});

export const securityHeaders: MiddlewareHandler = (c, next) => {
  const path = c.req.path;
  if (/^\/outbox\/[^/]+\/html$/.test(path) || /^\/admin\/preview\/[^/]+\/mail$/.test(path)) {
    return mailPartHeaders(c, next);
  }
  if (path === "/admin" || path.startsWith("/admin/")) return consoleHeaders(c, next);
  if (path === "/outbox") return outboxHeaders(c, next);
  return siteHeaders(c, next);
};
