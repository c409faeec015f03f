// The local outbox: while no mail provider is configured, every "sent" mail can be read here.
// It holds personal links, so outside local mode it needs the admin token; with Resend configured it is 404.
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { isLocal } from "../config.ts";
import { hasAdminBearer } from "../console/entry.ts";
import type { AppEnv } from "../env.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { getOutboxMessage, listOutbox } from "../mail/outbox.ts";
import { page } from "../web/layout.ts";
import { renderError } from "./pages.ts";

export const outboxRoutes = new Hono<AppEnv>();

async function outboxAvailable(c: Context<AppEnv>): Promise<boolean> {
  if (c.env.RESEND_API_KEY) return false;
  return isLocal(c.env) || (await hasAdminBearer(c));
}

outboxRoutes.use("/outbox*", async (c, next) => {
  if (!(await outboxAvailable(c))) return renderError(c, 404, "Not found", "There is no page at this address.");
  await next();
  c.header("Cache-Control", "no-store");
});

outboxRoutes.get("/outbox.json", async (c) => {
  // ?limit=N (default 200, at most 10,000): a local digest to thousands is easier to check whole.
  const limit = Math.min(10_000, Math.max(1, Number.parseInt(c.req.query("limit") ?? "200", 10) || 200));
  const messages = await listOutbox(c.env.DB, limit);
  return c.json({ messages });
});

outboxRoutes.get("/outbox", async (c) => {
  const messages = await listOutbox(c.env.DB);
  const content = c.get("content");
  const items = messages.map(
    (m) => html`<li>
<details>
<summary><strong>${m.subject}</strong> → ${m.to} <span class="meta">${m.created_at}</span></summary>
<iframe class="mail" title="${m.subject}" src="/outbox/${m.id}/html" sandbox="allow-popups allow-popups-to-escape-sandbox"></iframe>
<h3>Plain text</h3><pre class="mail-text">${m.text}</pre>
<h3>Headers</h3><pre class="headers">${Object.entries({ From: m.from, To: m.to, Subject: m.subject, ...m.headers })
      .map(([k, v]) => `${k}: ${v}`)
      .join("\n")}</pre>
<p><a href="/outbox/${m.id}/html">Open the HTML part alone</a></p>
</details>
</li>`,
  );
  const main = html`<h1>Outbox</h1>
<p class="meta">Mail goes here instead of to a provider while <code>RESEND_API_KEY</code> is unset. Newest first. Also as <a href="/outbox.json">JSON</a>.</p>
${messages.length ? html`<ul class="outbox-list">${items}</ul>` : html`<p>No mail yet. Subscribe on the <a href="/">home page</a> to see one.</p>`}`;
  const body = await page({
    site: content.site,
    base: c.get("base"),
    title: "Outbox",
    description: "Mail sent in local mode",
    canonicalPath: "/outbox",
    main,
    cssVersion: content.version,
    noindex: true,
  });
  return c.html(String(body));
});

// The HTML part of one mail, as an inbox would show it: its own inline styles allowed, nothing active.
outboxRoutes.get("/outbox/:id/html", async (c) => {
  const message = await getOutboxMessage(c.env.DB, c.req.param("id"));
  if (!message) return renderError(c, 404, "Not found", "No such message in the outbox.");
  return c.body(message.html, 200, { "Content-Type": "text/html; charset=utf-8" });
});

rejectOtherMethods(outboxRoutes, "/outbox", ["GET", "HEAD"]);
rejectOtherMethods(outboxRoutes, "/outbox.json", ["GET", "HEAD"]);
