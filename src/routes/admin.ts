// The publisher's JSON API under /admin: `Authorization: Bearer <ADMIN_TOKEN>` for scripts, or a verified
// Cloudflare Access token where Access is configured (src/console/entry.ts).

import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as z from "zod/mini";
import { CADENCE_REASON, CADENCES } from "../cadences.ts";
import { ACCESS_HEADER } from "../console/access.ts";
import { fromThisSite, whoEnters } from "../console/entry.ts";
import { ALL_SCHEDULED } from "../content/publication.ts";
import { digestDeps } from "../digest/deps.ts";
import { startEdition } from "../digest/edition.ts";
import { editionProgress } from "../digest/ledger.ts";
import { nextRun, periodBefore } from "../digest/plan.ts";
import { type EditionPreview, previewEdition, scheduledBriefings, sendTestMail } from "../digest/preview.ts";
import type { AppEnv } from "../env.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { problem } from "../http/problem.ts";
import { mediaType } from "../http/request.ts";
import { validate } from "../http/validation.ts";
import { providerPause } from "../mail/provider-state.ts";
import { parseAddress } from "../subscriptions/address.ts";
import { vocabularyOf } from "../subscriptions/csv-import.ts";
import { importJob, reportHead, reportLines, stopImport } from "../subscriptions/import-jobs.ts";
import { receiveImport } from "../subscriptions/import-receive.ts";
import { NotText } from "../subscriptions/import-upload.ts";
import {
  EXPORT_HEADER,
  type ExportRow,
  exportLine,
  exportPage,
  exportRowsByIds,
  subscriberStats,
} from "../subscriptions/reports.ts";
import { eraseSubscriber } from "../subscriptions/retention.ts";
import { MAX_LIMIT, type SearchInput, searchQueryFrom, searchSubscribers } from "../subscriptions/search.ts";

export const adminRoutes = new Hono<AppEnv>();

const encoder = new TextEncoder();

// Who may call it: see src/console/entry.ts (Access, the bearer token, or the console's session).
adminRoutes.use(async (c, next) => {
  const entry = await whoEnters(c);
  if (entry.kind === "not-configured") {
    return problem(c, 503, "Not available", [{ field: "configuration", reason: `set ${entry.setting}` }]);
  }
  if (entry.kind === "access-denied") {
    return problem(c, 401, "Unauthorized", [{ field: ACCESS_HEADER, reason: entry.reason }]);
  }
  if (entry.kind !== "admin") {
    const res = problem(c, 401, "Unauthorized", [{ field: "Authorization", reason: "must be Bearer <ADMIN_TOKEN>" }]);
    res.headers.set("WWW-Authenticate", 'Bearer realm="briefwire admin"');
    return res;
  }
  if (!(await fromThisSite(c, entry))) {
    return problem(c, 403, "Forbidden", [{ field: "Origin", reason: "must be this site; nothing was changed" }]);
  }
  await next();
  c.header("Cache-Control", "no-store");
});

const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

adminRoutes.post(
  "/subscribers/import",
  bodyLimit({
    maxSize: MAX_IMPORT_BYTES,
    onError: (c) => problem(c, 413, "Request body too large", [{ field: "body", reason: "must be at most 64 MiB" }]),
  }),
  async (c) => {
    const type = mediaType(c);
    if (type !== "text/csv" && type !== "text/plain") {
      return problem(c, 415, "Unsupported media type", [{ field: "Content-Type", reason: "must be text/csv" }]);
    }
    let outcome: Awaited<ReturnType<typeof receiveImport>>;
    try {
      outcome = await receiveImport(c.env, c.req.raw.body, vocabularyOf(c.get("content")));
    } catch (e) {
      if (e instanceof NotText) return problem(c, 400, "Invalid CSV", [{ field: "body", reason: e.message }]);
      throw e;
    }
    if (outcome.kind === "refused") {
      return problem(c, 400, "Invalid CSV", [{ field: outcome.field, reason: outcome.reason }]);
    }
    if (outcome.kind === "job") {
      const url = `/admin/imports/${outcome.job.id}`;
      console.log(JSON.stringify({ event: "import-queued", job: outcome.job.id, pieces: outcome.job.pieces }));
      return c.json({ id: outcome.job.id, status: "importing", lines: outcome.job.lines, url }, 202, { Location: url });
    }
    const result = outcome.result;
    console.log(
      JSON.stringify({
        event: "import",
        added: result.added,
        updated: result.updated,
        invalid: result.invalid.length,
        skipped: result.skipped.length,
      }),
    );
    return c.json(result);
  },
);

// An import job's progress and report (the first REPORT_HEAD lines; all of them in report.csv).
const REPORT_HEAD = 1000;

adminRoutes.get("/imports/:id", async (c) => {
  const job = await importJob(c.env.DB, c.req.param("id"));
  if (!job) return problem(c, 404, "Not found", [{ field: "id", reason: "no import job has this id" }]);
  const report = await reportHead(c.env.DB, job.id, REPORT_HEAD);
  return c.json({
    ...job,
    report,
    reportComplete: report.length === job.invalid + job.skipped,
    reportUrl: `/admin/imports/${job.id}/report.csv`,
  });
});

adminRoutes.get("/imports/:id/report.csv", async (c) => {
  const job = await importJob(c.env.DB, c.req.param("id"));
  if (!job) return problem(c, 404, "Not found", [{ field: "id", reason: "no import job has this id" }]);
  const lines = reportLines(c.env.DB, job.id);
  const stream = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(encoder.encode("line,kind,reason\r\n")),
    async pull(controller) {
      const next = await lines.next();
      if (next.done) return controller.close();
      const { line, kind, reason } = next.value;
      controller.enqueue(encoder.encode(`${line},${kind},"${reason.replaceAll('"', '""')}"\r\n`));
    },
  });
  return c.body(stream, 200, { "Content-Type": "text/csv; charset=utf-8" });
});

adminRoutes.post("/imports/:id/cancel", async (c) => {
  const job = await importJob(c.env.DB, c.req.param("id"));
  if (!job) return problem(c, 404, "Not found", [{ field: "id", reason: "no import job has this id" }]);
  if (!(await stopImport(c.env.DB, job.id, "cancelled"))) {
    return problem(c, 409, "Conflict", [{ field: "status", reason: `the import is already ${job.status}` }]);
  }
  return c.json(await importJob(c.env.DB, job.id));
});

/** A CSV body written page by page from `nextRows` (null: no more), so a large list never sits in memory at once. */
function csvStream(nextRows: () => Promise<ExportRow[] | null>): ReadableStream<Uint8Array> {
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`${EXPORT_HEADER}\r\n`));
      }
      // A filtered page may hold no row (see searchSubscribers' window): read on until one does, or the end.
      for (;;) {
        const rows = await nextRows();
        if (rows === null) return controller.close();
        if (rows.length === 0) continue;
        return controller.enqueue(encoder.encode(rows.map((r) => `${exportLine(r)}\r\n`).join("")));
      }
    },
  });
}

/** Every subscriber by id: keyset pages of the table. */
function everyone(db: D1Database): () => Promise<ExportRow[] | null> {
  let afterId = 0;
  return async () => {
    const rows = await exportPage(db, afterId, 1000);
    if (rows.length === 0) return null;
    afterId = rows[rows.length - 1]?.id as number;
    return rows;
  };
}

/** The subscribers a console search finds (the same query, filters and order), page by page. */
function found(db: D1Database, search: SearchInput): () => Promise<ExportRow[] | null> {
  let after = search.after;
  let done = false;
  return async () => {
    if (done) return null;
    const page = await searchSubscribers(db, { ...search, after, limit: MAX_LIMIT });
    if (page.next === null) done = true;
    after = page.next ?? undefined;
    return exportRowsByIds(
      db,
      page.rows.map((r) => r.id),
    );
  };
}

// The whole list, or with the console's filters (q, status, cadence, topic) the readers it finds.
adminRoutes.get("/subscribers.csv", (c) => {
  // The whole filter, from its first row: a page's cursor and size are the screen's, not the export's.
  const { limit: _limit, after: _after, ...query } = c.req.query();
  const search = searchQueryFrom(query, c.get("content").tags);
  if (!search.ok) return problem(c, 400, "Invalid filter", search.errors);
  const filtered = Object.keys(search.input).length > 0;
  const stream = csvStream(filtered ? found(c.env.DB, search.input) : everyone(c.env.DB));
  return c.body(stream, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filtered ? "subscribers-filtered" : "subscribers"}.csv"`,
  });
});

// Erasure on request: the person's data goes; a hashed suppression entry stays (see retention.ts). The
// address travels in the body: request logs and traces keep URLs for days, and an erasure must not
// leave the address it erased in them.
adminRoutes.post(
  "/subscribers/erase",
  validate("json", z.object({ email: z.string({ error: "must be a string" }) })),
  async (c) => {
    const address = parseAddress(c.req.valid("json").email);
    if (!address.ok) return problem(c, 400, "Invalid address", [{ field: "email", reason: address.reason }]);
    const result = await eraseSubscriber(c.env.DB, address.normalized, new Date());
    if (!result.erased) {
      return problem(c, 404, "No such subscriber", [{ field: "email", reason: "is not on the list" }]);
    }
    return c.json({ erased: true, status: result.status });
  },
);

// The older route put the address in the URL. It erases nothing now and says where erasure went.
adminRoutes.delete("/subscribers/:email", (c) => {
  const res = problem(c, 410, "Moved to POST /admin/subscribers/erase", [
    {
      field: "path",
      reason:
        'erase with POST /admin/subscribers/erase and JSON {"email": …}: an address in a URL stays in request logs',
    },
  ]);
  res.headers.set("Link", '</admin/subscribers/erase>; rel="alternate"');
  return res;
});

adminRoutes.get("/stats", async (c) => c.json(await subscriberStats(c.env.DB)));

const Rfc3339 = z.iso.datetime({ offset: true, error: "must be an RFC 3339 date-time" });

const DigestRunSchema = z
  .object({
    cadence: z.enum(CADENCES, { error: CADENCE_REASON }),
    from: z.optional(Rfc3339),
    to: z.optional(Rfc3339),
  })
  .check(
    // A window reaching past now would hold briefings not yet published; they go out with a later run.
    z.refine((r) => !r.to || Date.parse(r.to) <= Date.now(), { message: "must not be in the future", path: ["to"] }),
    z.refine((r) => !r.from || !r.to || Date.parse(r.from) < Date.parse(r.to), {
      message: "must be before to",
      path: ["from"],
    }),
    z.refine((r) => !r.from || r.to !== undefined || Date.parse(r.from) < Date.now(), {
      message: "must be before now (to defaults to now)",
      path: ["from"],
    }),
  );

// The same path as the cron. Without from/to it is a regular run: every briefing not yet mailed on the
// cadence (today's regular edition, shared with the cron: whichever starts it first, the other finds it).
// With from and/or to (to defaults to now, from to one period before to) it mails the briefings
// published in that window that the cadence has not mailed yet, backfills included.
adminRoutes.post("/digest/run", validate("json", DigestRunSchema), async (c) => {
  const body = c.req.valid("json");
  const deps = digestDeps(c.env, await c.get("briefingIndex")());
  const to = body.to ? new Date(body.to) : deps.now();
  const windowed = body.from !== undefined || body.to !== undefined;
  const from = body.from ? new Date(body.from) : windowed ? periodBefore(body.cadence, to) : undefined;
  const summary = await startEdition(deps, body.cadence, to, from);
  return c.json(summary);
});

adminRoutes.get("/digests/:edition", async (c) => {
  const progress = await editionProgress(c.env.DB, c.req.param("edition"));
  if (!progress) return problem(c, 404, "No such edition", [{ field: "edition", reason: "was never started" }]);
  // An edition still sending may be waiting on the provider: a spent quota, or an outage.
  const paused = progress.status === "done" ? null : await providerPause(c.env.DB, new Date());
  return c.json({ ...progress, paused });
});

// Before a real send: the next edition of a cadence as its readers would get it, and the same mail to
// one address. Neither records anything (see src/digest/preview.ts).

const CadenceField = z.enum(CADENCES, { error: CADENCE_REASON });

/** `a,b` (query) or ["a","b"] (JSON) → topic slugs, each one a tag some briefing carries. */
function topicsField(known: readonly string[]) {
  return z
    .optional(
      z.pipe(
        z.union([z.string(), z.array(z.string())], { error: "must be a comma-separated list of topics" }),
        z.transform((v) =>
          [v]
            .flat()
            .flatMap((t) => t.split(","))
            .map((t) => t.trim())
            .filter(Boolean),
        ),
      ),
    )
    .check(
      z.refine((topics) => !topics || topics.every((t) => known.includes(t)), {
        message: `must name known topics (${known.join(", ")})`,
      }),
    );
}

/** The preview's facts as response headers; the subject percent-encoded (UTF-8), as a header holds only Latin-1. */
function previewHeaders(p: EditionPreview): Record<string, string> {
  return {
    "X-Digest-Edition": p.edition,
    "X-Digest-Run-At": p.runAt.toISOString(),
    "X-Digest-Items": String(p.items.length),
    "X-Digest-Recipients": String(p.recipients),
    ...(p.mail ? { "X-Digest-Subject": encodeURIComponent(p.mail.subject) } : {}),
  };
}

adminRoutes.get("/digest/preview", async (c) => {
  const site = c.get("content");
  const schema = z.object({
    cadence: z.enum(CADENCES, { error: CADENCE_REASON }),
    topics: topicsField(site.tags),
    format: z.optional(z.enum(["html", "text", "json"], { error: 'must be "html", "text" or "json"' })),
  });
  const query = schema.safeParse(c.req.query());
  if (!query.success) {
    const errors = query.error.issues.map((i) => ({
      field: i.path.map(String).join(".") || "query",
      reason: i.message,
    }));
    return problem(c, 400, "Invalid request", errors);
  }
  const { cadence, topics, format = "html" } = query.data;
  const now = new Date();
  // The edition as its run will choose it: from the briefings published by then, scheduled ones included.
  const runAt = nextRun(cadence, now);
  const [content, all] = await Promise.all([c.get("briefingIndex")(runAt), c.get("briefingIndex")(ALL_SCHEDULED)]);
  const p = await previewEdition({ db: c.env.DB, content, base: c.get("base") }, cadence, now, topics, runAt);
  const scheduled = scheduledBriefings(all, now, runAt);
  const headers = { ...previewHeaders(p), "X-Digest-Scheduled": String(scheduled.length) };
  if (format === "json") {
    return c.json(
      {
        edition: p.edition,
        cadence: p.cadence,
        runAt: p.runAt.toISOString(),
        items: p.items,
        recipients: p.recipients,
        subject: p.mail?.subject ?? null,
        html: p.mail?.html ?? null,
        text: p.mail?.text ?? null,
        scheduled,
      },
      200,
      headers,
    );
  }
  const nothing = `Nothing new to send: the next ${cadence} edition (${p.edition}) has no briefings${topics?.length ? " on these topics" : ""} yet.`;
  if (format === "text") {
    return c.body(p.mail?.text ?? nothing, 200, { ...headers, "Content-Type": "text/plain; charset=utf-8" });
  }
  return c.body(p.mail?.html ?? `<!doctype html><title>Nothing new</title><p>${nothing}</p>`, 200, {
    ...headers,
    "Content-Type": "text/html; charset=utf-8",
  });
});

const TestSendSchema = z.object({
  to: z.string({ error: (i) => (i.input === undefined ? "is required" : "must be a string") }),
  cadence: CadenceField,
  topics: z.optional(z.array(z.string(), { error: "must be a list of topics" })),
});

// Nothing new to send answers 200 with `sent: false, items: 0`, as a digest run with nothing new does.
adminRoutes.post("/digest/test", validate("json", TestSendSchema), async (c) => {
  const body = c.req.valid("json");
  const address = parseAddress(body.to);
  if (!address.ok) return problem(c, 400, "Invalid request", [{ field: "to", reason: address.reason }]);
  const known = c.get("content").tags;
  const unknown = (body.topics ?? []).filter((t) => !known.includes(t));
  if (unknown.length) {
    return problem(c, 400, "Invalid request", [{ field: "topics", reason: `unknown topic: ${unknown.join(", ")}` }]);
  }
  const now = new Date();
  const runAt = nextRun(body.cadence, now);
  const content = await c.get("briefingIndex")(runAt);
  const deps = digestDeps(c.env, content);
  const p = await previewEdition(deps, body.cadence, now, body.topics, runAt);
  const summary = { edition: p.edition, cadence: p.cadence, items: p.items.length, recipients: p.recipients };
  if (!p.mail) return c.json({ sent: false, to: address.email, ...summary });
  const { mail, outcome } = await sendTestMail(deps, content.site, p, p.mail, address.email);
  if (!outcome.ok) {
    console.error(JSON.stringify({ event: "digest-test-failed", edition: p.edition, kind: outcome.kind }));
    return problem(c, 502, "The mail provider did not take the test mail", [
      { field: "to", reason: `${outcome.kind}: ${outcome.message}` },
    ]);
  }
  console.log(JSON.stringify({ event: "digest-test-sent", edition: p.edition, items: p.items.length }));
  return c.json({ sent: true, to: address.email, subject: mail.subject, id: outcome.ids[0] ?? null, ...summary });
});

rejectOtherMethods(adminRoutes, "/subscribers/import", ["POST"]);
rejectOtherMethods(adminRoutes, "/imports/:id", ["GET", "HEAD"]);
rejectOtherMethods(adminRoutes, "/imports/:id/report.csv", ["GET", "HEAD"]);
rejectOtherMethods(adminRoutes, "/imports/:id/cancel", ["POST"]);
rejectOtherMethods(adminRoutes, "/subscribers.csv", ["GET", "HEAD"]);
rejectOtherMethods(adminRoutes, "/stats", ["GET", "HEAD"]);
rejectOtherMethods(adminRoutes, "/subscribers/:email", ["DELETE"]);
rejectOtherMethods(adminRoutes, "/digest/run", ["POST"]);
rejectOtherMethods(adminRoutes, "/digests/:edition", ["GET", "HEAD"]);
rejectOtherMethods(adminRoutes, "/digest/preview", ["GET", "HEAD"]);
rejectOtherMethods(adminRoutes, "/digest/test", ["POST"]);
