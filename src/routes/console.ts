// The publisher's console: HTML pages under /admin (full paths here, so /admin/ keeps its slash), beside the JSON API (src/routes/admin.ts), over the
// same stores and services. Who may enter: src/console/entry.ts. Pages: src/console/.
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { html } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { adminToken, isLocal } from "../config.ts";
import { type Entry, fromThisSite, sameSecret, whoEnters } from "../console/entry.ts";
import { CONSOLE_SCRIPT_PATH, consolePage } from "../console/layout.ts";
import { CONSOLE_SCRIPT } from "../console/script.ts";
import { endSession, startSession } from "../console/session.ts";
import { accessDeniedPage, foreignOriginPage, notConfiguredPage, signInPage } from "../console/sign-in-page.ts";
import type { AppEnv } from "../env.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import type { Html } from "../web/layout.ts";

export const consoleRoutes = new Hono<AppEnv>();

const ctxOf = (c: Context<AppEnv>) => ({ content: c.get("content") });

async function sendPage(c: Context<AppEnv>, status: ContentfulStatusCode, page: Html) {
  return c.body(String(await page), status, {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
  });
}

/** Answers a request that may not enter (or may not change anything), or null when it may go on. */
async function refusal(c: Context<AppEnv>, entry: Entry): Promise<Response | null> {
  const ctx = ctxOf(c);
  if (entry.kind === "not-configured") return sendPage(c, 503, notConfiguredPage(ctx, entry.setting));
  if (entry.kind === "access-denied") return sendPage(c, 401, accessDeniedPage(ctx, entry.reason));
  if (entry.kind === "signed-out") {
    // The console's front door shows the form as a page; anything else behind it answers 401.
    const status = c.req.method === "GET" && c.req.path === "/admin/" ? 200 : 401;
    return sendPage(c, status, signInPage(ctx, { local: isLocal(c.env) }));
  }
  if (!(await fromThisSite(c, entry))) return sendPage(c, 403, foreignOriginPage(ctx));
  return null;
}

/** Every console page and action: only for someone who may enter, and unsafe requests only from this site. */
const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  const refused = await refusal(c, await whoEnters(c));
  if (refused) return refused;
  await next();
  c.header("Cache-Control", "no-store");
};

consoleRoutes.get(CONSOLE_SCRIPT_PATH, (c) =>
  c.body(CONSOLE_SCRIPT, 200, {
    "Content-Type": "text/javascript; charset=utf-8",
    "Cache-Control": "public, max-age=300",
  }),
);

consoleRoutes.get("/admin", (c) => c.redirect("/admin/", 301));

const signInLimit = bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text("Request body too large", 413) });

consoleRoutes.post("/admin/sign-in", signInLimit, async (c) => {
  const entry = await whoEnters(c);
  const token = adminToken(c.env);
  // Behind Access (or already signed in) there is nothing to sign in to here.
  if (entry.kind === "admin" || entry.kind === "access-denied" || !token) {
    return (await refusal(c, entry)) ?? c.redirect("/admin/", 303);
  }
  if (!(await fromThisSite(c, entry))) return sendPage(c, 403, foreignOriginPage(ctxOf(c)));
  const form = await c.req.parseBody();
  const given = typeof form.token === "string" ? form.token : "";
  if (!given || !(await sameSecret(given, token))) {
    console.log(JSON.stringify({ event: "console-sign-in-refused" }));
    const error = given ? "That is not the admin token. Please try again." : "Enter the admin token.";
    return sendPage(c, 401, signInPage(ctxOf(c), { local: isLocal(c.env), error }));
  }
  await startSession(c, token);
  console.log(JSON.stringify({ event: "console-signed-in" }));
  return c.redirect("/admin/", 303);
});

consoleRoutes.post("/admin/sign-out", signedIn, (c) => {
  endSession(c);
  return c.redirect("/admin/", 303);
});

consoleRoutes.get("/admin/", signedIn, (c) =>
  sendPage(c, 200, consolePage(ctxOf(c), { title: "Overview", path: "/admin/", nav: true, main: overviewMain() })),
);

function overviewMain() {
  return html`<h1>Overview</h1>`;
}

rejectOtherMethods(consoleRoutes, "/admin/sign-in", ["POST"]);
rejectOtherMethods(consoleRoutes, "/admin/sign-out", ["POST"]);
rejectOtherMethods(consoleRoutes, CONSOLE_SCRIPT_PATH, ["GET", "HEAD"]);
