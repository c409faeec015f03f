// GET /digests and /digests/:id — the public archive of sent editions.
import { type Context, Hono } from "hono";
import { completedFor, loadBriefingsPublished } from "../content/load-index.ts";
import type { IndexedBriefing } from "../content/schema.ts";
import type { AppEnv } from "../env.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { localeOfPath } from "../i18n/locale.ts";
import { archivePage, editionPage } from "../web/archive-pages.ts";
import { renderError } from "./pages.ts";

export const archiveRoutes = new Hono<AppEnv>();

/** The archive in the language of its path: /digests in the default, /fr/digests in French. */
function archiveCtx(c: Context<AppEnv>) {
  const content = c.get("content");
  return { content, base: c.get("base"), locale: localeOfPath(content.site, c.req.path) };
}

const html = (body: string) => ({
  body,
  headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "public, max-age=300" },
});

// Instant editions that reached nobody (no instant reader yet) are left out of the list: each would
// repeat a briefing the daily digest lists anyway.
archiveRoutes.get("/digests", async (c) => {
  const { results } = await c.env.DB.prepare(
    `SELECT id, cadence, window_to, items FROM editions
     WHERE status IN ('sending', 'done') AND NOT (cadence = 'instant' AND recipients = 0)
     ORDER BY window_to DESC LIMIT 200`,
  ).all<{ id: string; cadence: string; window_to: string; items: string }>();
  const editions = results.map((r) => ({
    id: r.id,
    cadence: r.cadence,
    to: r.window_to,
    items: JSON.parse(r.items).length,
  }));
  const out = html(String(await archivePage(archiveCtx(c), editions)));
  return c.body(out.body, 200, out.headers);
});

archiveRoutes.get("/digests/:id", async (c) => {
  const row = await c.env.DB.prepare("SELECT id, cadence, window_from, window_to, items FROM editions WHERE id = ?1")
    .bind(c.req.param("id"))
    .first<{ id: string; cadence: string; window_from: string; window_to: string; items: string }>();
  if (!row) {
    const { locale } = archiveCtx(c);
    return renderError(c, 404, locale.m.notFound, locale.m.archive.noSuchDigest, locale);
  }
  const content = c.get("content");
  // Regular editions mail recent briefings, which the index has; an admin run's backfill older than the
  // index is in the month files of the edition's window.
  const index = await completedFor(
    await c.get("briefingIndex")(),
    new Date(row.window_from),
    new Date(row.window_to),
    (from, to) => loadBriefingsPublished(c.env, from, to),
  );
  const items = (JSON.parse(row.items) as string[])
    .map((slug) => index.briefings.find((b) => b.slug === slug))
    .filter((b): b is IndexedBriefing => !!b);
  const body = await editionPage(
    { ...archiveCtx(c), content },
    { id: row.id, cadence: row.cadence, to: row.window_to, items },
  );
  const out = html(String(body));
  return c.body(out.body, 200, out.headers);
});

rejectOtherMethods(archiveRoutes, "/digests", ["GET", "HEAD"]);
rejectOtherMethods(archiveRoutes, "/digests/:id", ["GET", "HEAD"]);
