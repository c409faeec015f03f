// The publisher's console: HTML pages under /admin (full paths here, so /admin/ keeps its slash), beside the JSON API (src/routes/admin.ts), over the
// same stores and services. Who may enter: src/console/entry.ts. Pages: src/console/.
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { html } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CADENCE_REASON, CADENCES, type Cadence, isCadence } from "../cadences.ts";
import { adminToken, isLocal } from "../config.ts";
import { briefingsPage } from "../console/briefings-page.ts";
import { sendingPace } from "../console/edition-rate.ts";
import { editionPage, editionsPage, previewPage, runConfirmPage, type TestForm } from "../console/editions-pages.ts";
import { type Entry, fromThisSite, sameSecret, whoEnters } from "../console/entry.ts";
import { duration } from "../console/format.ts";
import { IMPORT_PATH, importJobPage, importJobPath, uploadPage } from "../console/import-pages.ts";
import { CONSOLE_SCRIPT_PATH, consolePage } from "../console/layout.ts";
import { type Health, overviewPage } from "../console/overview-page.ts";
import { CONSOLE_SCRIPT } from "../console/script.ts";
import { endSession, startSession } from "../console/session.ts";
import { recordSignInFailure, signInLockout } from "../console/sign-in-limit.ts";
import { accessDeniedPage, foreignOriginPage, notConfiguredPage, signInPage } from "../console/sign-in-page.ts";
import { ALL_SCHEDULED } from "../content/publication.ts";
import { digestDeps } from "../digest/deps.ts";
import { startEdition } from "../digest/edition.ts";
import {
  editionCursor,
  editionsCarrying,
  editionsInFlight,
  failedChunkCount,
  listEditions,
} from "../digest/edition-list.ts";
import { editionProgress, getEdition } from "../digest/ledger.ts";
import { nextRun } from "../digest/plan.ts";
import { previewEdition, sampleMail, scheduledBriefings, sendTestMail } from "../digest/preview.ts";
import { STALL_MS } from "../digest/sweeper.ts";
import type { AppEnv } from "../env.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { providerPause } from "../mail/provider-state.ts";
import { givenUpMail } from "../mail/queue.ts";
import { parseAddress } from "../subscriptions/address.ts";
import { vocabularyOf } from "../subscriptions/csv-import.ts";
import { subscriberGrowth } from "../subscriptions/growth.ts";
import { importJob, reportHead, stopImport } from "../subscriptions/import-jobs.ts";
import { type Received, receiveImport } from "../subscriptions/import-receive.ts";
import { NotText } from "../subscriptions/import-upload.ts";
import { subscriberStats } from "../subscriptions/reports.ts";
import type { Html } from "../web/layout.ts";

export const consoleRoutes = new Hono<AppEnv>();

export const ctxOf = (c: Context<AppEnv>) => ({ content: c.get("content") });

export async function sendPage(c: Context<AppEnv>, status: ContentfulStatusCode, page: Html) {
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
export const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
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
  // Per client address (Cloudflare always sets it; without it, as in scripts on localhost, one key).
  const client = c.req.header("CF-Connecting-IP") ?? "unknown";
  const wait = await signInLockout(c.env.DB, client);
  if (wait !== null) {
    console.log(JSON.stringify({ event: "console-sign-in-locked-out", retryAfter: wait }));
    const error = `Too many wrong tokens from this address: try again in ${duration(wait / 60)}.`;
    const res = await sendPage(c, 429, signInPage(ctxOf(c), { local: isLocal(c.env), error }));
    res.headers.set("Retry-After", String(wait));
    return res;
  }
  const form = await c.req.parseBody();
  const given = typeof form.token === "string" ? form.token : "";
  if (!given || !(await sameSecret(given, token))) {
    if (given) await recordSignInFailure(c.env.DB, client);
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

const LAST_EDITIONS = 5;

consoleRoutes.get("/admin/", signedIn, async (c) => {
  const db = c.env.DB;
  const now = new Date();
  // The last editions' figures come from their chunk rows and kept reports (or compacted totals):
  // never from an edition's per-recipient ledger rows.
  const [stats, growth, latest, flying, failedBatches, failedMail, pause] = await Promise.all([
    subscriberStats(db),
    subscriberGrowth(db, now),
    listEditions(db, { limit: LAST_EDITIONS }),
    editionsInFlight(db),
    failedChunkCount(db),
    givenUpMail(db),
    providerPause(db, now),
  ]);
  const editions = latest.editions;
  const health: Health = {
    failedBatches,
    failedMail,
    providerPause: pause,
    inFlight: flying.map((edition) => {
      const idle = now.getTime() - Date.parse(edition.updated_at);
      return { edition, stuckMinutes: idle > STALL_MS ? idle / 60_000 : null };
    }),
    transport: c.env.RESEND_API_KEY ? "resend" : "outbox",
    webhookSecretSet: !!c.env.RESEND_WEBHOOK_SECRET,
    nextRuns: Object.fromEntries(CADENCES.map((cadence) => [cadence, nextRun(cadence, now)])) as Record<Cadence, Date>,
  };
  return sendPage(c, 200, overviewPage(ctxOf(c), stats, growth, editions, health));
});

rejectOtherMethods(consoleRoutes, "/admin/sign-in", ["POST"]);
rejectOtherMethods(consoleRoutes, "/admin/sign-out", ["POST"]);
rejectOtherMethods(consoleRoutes, CONSOLE_SCRIPT_PATH, ["GET", "HEAD"]);

// Editions: the list, one edition, Run now (behind a confirmation), the preview with Send test.

const EDITIONS_PER_PAGE = 20;

const cadenceOf = (c: Context<AppEnv>): Cadence | null => {
  const value = c.req.param("cadence");
  return isCadence(value) ? value : null;
};

function notFoundPage(c: Context<AppEnv>, what: string) {
  const main = html`<h1>Not found</h1><p>${what}</p><p><a href="/admin/editions">All editions</a></p>`;
  return sendPage(c, 404, consolePage(ctxOf(c), { title: "Not found", path: "/admin/editions", nav: true, main }));
}

consoleRoutes.get("/admin/editions", signedIn, async (c) => {
  const db = c.env.DB;
  const before = editionCursor(c.req.query("before"));
  const page = await listEditions(db, { limit: EDITIONS_PER_PAGE, ...(before ? { before } : {}) });
  const older = page.next ? `/admin/editions?before=${encodeURIComponent(page.next)}` : null;
  return sendPage(c, 200, editionsPage(ctxOf(c), page.editions, older, before === undefined));
});

consoleRoutes.get("/admin/editions/run/:cadence", signedIn, async (c) => {
  const cadence = cadenceOf(c);
  if (!cadence) return notFoundPage(c, `No cadence “${c.req.param("cadence")}”: ${CADENCE_REASON}.`);
  return sendPage(c, 200, await runConfirmation(c, cadence));
});

/** What Run now would start at this moment: the same choice startEdition makes, computed without writing. */
async function runConfirmation(c: Context<AppEnv>, cadence: Cadence, notice?: string) {
  const content = await c.get("briefingIndex")();
  const now = new Date();
  const p = await previewEdition({ db: c.env.DB, content, base: c.get("base") }, cadence, now, [], now);
  const items = content.briefings.filter((b) => p.items.includes(b.slug));
  return runConfirmPage(ctxOf(c), cadence, p, items, notice);
}

consoleRoutes.post("/admin/editions/run/:cadence", signedIn, async (c) => {
  const cadence = cadenceOf(c);
  if (!cadence) return notFoundPage(c, `No cadence “${c.req.param("cadence")}”: ${CADENCE_REASON}.`);
  const deps = digestDeps(c.env, await c.get("briefingIndex")());
  // The one way an edition starts, the cron's and the JSON API's.
  const summary = await startEdition(deps, cadence, deps.now());
  console.log(JSON.stringify({ event: "console-run-now", cadence, edition: summary.edition, items: summary.items }));
  if (summary.items === 0) {
    return sendPage(c, 200, await runConfirmation(c, cadence, "Nothing was started: there is nothing new to send."));
  }
  return c.redirect(`/admin/editions/${encodeURIComponent(summary.edition)}`, 303);
});

/**
 * The next edition of a cadence and the mail to show: its own, or the latest briefing as a sample; and
 * the briefings scheduled after now, with whether this edition carries them. The edition is chosen
 * from the briefings as they will be at its run, scheduled ones published by then included.
 */
async function previewOf(c: Context<AppEnv>, cadence: Cadence) {
  const now = new Date();
  const runAt = nextRun(cadence, now);
  const [content, all] = await Promise.all([c.get("briefingIndex")(runAt), c.get("briefingIndex")(ALL_SCHEDULED)]);
  const deps = { db: c.env.DB, content, base: c.get("base") };
  const preview = await previewEdition(deps, cadence, now, [], runAt);
  const scheduled = scheduledBriefings(all, now, runAt);
  if (preview.mail) return { preview, mail: preview.mail, sample: null, scheduled };
  return { preview, mail: await sampleMail(deps, preview), sample: content.briefings[0] ?? null, scheduled };
}

consoleRoutes.get("/admin/editions/preview/:cadence", signedIn, async (c) => {
  const cadence = cadenceOf(c);
  if (!cadence) return notFoundPage(c, `No cadence “${c.req.param("cadence")}”: ${CADENCE_REASON}.`);
  const { preview, mail, sample, scheduled } = await previewOf(c, cadence);
  return sendPage(c, 200, previewPage(ctxOf(c), cadence, preview, mail, sample, scheduled));
});

// The preview's HTML part alone, framed by the preview page (sandboxed, its own CSP: security-headers.ts).
consoleRoutes.get("/admin/preview/:cadence/mail", signedIn, async (c) => {
  const cadence = cadenceOf(c);
  if (!cadence) return notFoundPage(c, `No cadence “${c.req.param("cadence")}”: ${CADENCE_REASON}.`);
  const { mail } = await previewOf(c, cadence);
  const body = mail?.html ?? "<!doctype html><title>No mail</title><p>There is no briefing yet.</p>";
  return c.body(body, 200, { "Content-Type": "text/html; charset=utf-8" });
});

const testLimit = bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text("Request body too large", 413) });

consoleRoutes.post("/admin/editions/preview/:cadence/test", testLimit, signedIn, async (c) => {
  const cadence = cadenceOf(c);
  if (!cadence) return notFoundPage(c, `No cadence “${c.req.param("cadence")}”: ${CADENCE_REASON}.`);
  const form = await c.req.parseBody();
  const value = typeof form.to === "string" ? form.to : "";
  const { preview, mail, sample, scheduled } = await previewOf(c, cadence);
  const page = (status: ContentfulStatusCode, state: TestForm) =>
    sendPage(c, status, previewPage(ctxOf(c), cadence, preview, mail, sample, scheduled, state));
  const address = parseAddress(value);
  if (!address.ok) return page(400, { value, error: value.trim() ? address.reason : "is required" });
  if (!mail) return page(409, { value, error: "there is no briefing yet, so there is no mail to send" });
  const content = await c.get("briefingIndex")();
  const deps = digestDeps(c.env, content);
  const { outcome } = await sendTestMail(deps, content.site, preview, mail, address.email);
  if (!outcome.ok) {
    console.error(JSON.stringify({ event: "digest-test-failed", edition: preview.edition, kind: outcome.kind }));
    return page(502, { value, error: `the mail provider did not take it (${outcome.kind}: ${outcome.message})` });
  }
  console.log(JSON.stringify({ event: "digest-test-sent", edition: preview.edition, sample: !!sample }));
  return page(200, { sent: address.email });
});

consoleRoutes.get("/admin/editions/:id", signedIn, async (c) => {
  const id = c.req.param("id");
  const [edition, progress] = await Promise.all([getEdition(c.env.DB, id), editionProgress(c.env.DB, id)]);
  if (!edition || !progress) return notFoundPage(c, "There is no edition with this id.");
  const pace = sendingPace(
    progress,
    edition.created_at,
    edition.completed_at ? new Date(edition.completed_at) : new Date(),
  );
  const content = await c.get("briefingIndex")();
  const titles = new Map(content.briefings.map((b) => [b.slug, b.title]));
  return sendPage(c, 200, editionPage(ctxOf(c), edition, progress, pace, titles));
});

rejectOtherMethods(consoleRoutes, "/admin/editions", ["GET", "HEAD"]);
rejectOtherMethods(consoleRoutes, "/admin/editions/run/:cadence", ["GET", "HEAD", "POST"]);
rejectOtherMethods(consoleRoutes, "/admin/editions/preview/:cadence", ["GET", "HEAD"]);
rejectOtherMethods(consoleRoutes, "/admin/editions/preview/:cadence/test", ["POST"]);
rejectOtherMethods(consoleRoutes, "/admin/preview/:cadence/mail", ["GET", "HEAD"]);
rejectOtherMethods(consoleRoutes, "/admin/editions/:id", ["GET", "HEAD"]);

// Briefings: read-only, the index of recent briefings the digest works from, scheduled ones included.
consoleRoutes.get("/admin/briefings", signedIn, async (c) => {
  const index = await c.get("briefingIndex")(ALL_SCHEDULED);
  const carried = await editionsCarrying(
    c.env.DB,
    index.briefings.map((b) => b.slug),
  );
  const page = briefingsPage(ctxOf(c), index.briefings, carried, index.completeFrom ?? null, new Date());
  return sendPage(c, 200, page);
});

rejectOtherMethods(consoleRoutes, "/admin/briefings", ["GET", "HEAD"]);

// Import: the upload form and each import's page. Every upload from the console becomes an import job
// (src/subscriptions/import-receive.ts), so a small file and a million lines show the same report.
const MAX_UPLOAD_MIB = 64;
// The form's own parts (boundary, field name, file name) ride on top of the file.
const MAX_UPLOAD_BYTES = MAX_UPLOAD_MIB * 1024 * 1024 + 64 * 1024;
const REPORT_SHOWN = 1000;

const isForm = (c: Context<AppEnv>) => /^multipart\/form-data\b/i.test(c.req.header("Content-Type") ?? "");
// Spreadsheet programs and browsers name a CSV in several ways; anything else is not a CSV upload.
const CSV_TYPES = ["", "text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"];

consoleRoutes.get(IMPORT_PATH, signedIn, (c) => sendPage(c, 200, uploadPage(ctxOf(c), MAX_UPLOAD_MIB)));

const uploadFailed = (c: Context<AppEnv>, status: ContentfulStatusCode, field: string, reason: string) =>
  sendPage(c, status, uploadPage(ctxOf(c), MAX_UPLOAD_MIB, { field, reason }));

// A body over the limit is refused as soon as its length (or, streamed, its size so far) passes it.
const uploadLimit = bodyLimit({
  maxSize: MAX_UPLOAD_BYTES,
  onError: (c) => uploadFailed(c, 413, "file", `must be at most ${MAX_UPLOAD_MIB} MiB`),
});

async function receiveUpload(c: Context<AppEnv>): Promise<Response> {
  // A body that says multipart but is not (truncated, no boundary, other bytes) is the sender's mistake.
  const body = await c.req.parseBody().catch(() => null);
  if (body === null) return uploadFailed(c, 400, "file", "the upload is not a readable form (multipart/form-data)");
  const file = body.file;
  if (!(file instanceof File) || file.size === 0) return uploadFailed(c, 400, "file", "choose a CSV file to upload");
  const type = file.type.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!CSV_TYPES.includes(type) && !/\.(csv|txt)$/i.test(file.name)) {
    return uploadFailed(c, 400, "file", `is not a CSV file (${file.name} is ${type}): save the sheet as CSV`);
  }
  let received: Received;
  try {
    received = await receiveImport(c.env, file.stream(), vocabularyOf(c.get("content")), true);
  } catch (e) {
    if (e instanceof NotText) return uploadFailed(c, 400, "file", e.message);
    throw e;
  }
  if (received.kind === "refused") {
    return uploadFailed(c, 400, received.field === "body" ? "file" : received.field, received.reason);
  }
  if (received.kind !== "job") throw new Error("the console imports through a job");
  console.log(JSON.stringify({ event: "console-import", job: received.job.id, pieces: received.job.pieces }));
  return c.redirect(importJobPath(received.job.id), 303);
}

// The JSON API takes the same path with a CSV body (src/routes/admin.ts): only a form is the console's.
consoleRoutes.post(IMPORT_PATH, async (c, next) => {
  if (!isForm(c)) return next();
  const refused = await refusal(c, await whoEnters(c));
  if (refused) return refused;
  let answer: Response | undefined;
  const tooBig = await uploadLimit(c, async () => {
    answer = await receiveUpload(c);
  });
  return tooBig ?? (answer as Response);
});

consoleRoutes.get(`${IMPORT_PATH}/:id`, signedIn, async (c) => {
  const job = await importJob(c.env.DB, c.req.param("id"));
  if (!job) {
    const main = html`<h1>Not found</h1><p>There is no import with this id.</p><p><a href="${IMPORT_PATH}">Import subscribers</a></p>`;
    return sendPage(c, 404, consolePage(ctxOf(c), { title: "Not found", path: "/admin/subscribers", nav: true, main }));
  }
  return sendPage(c, 200, importJobPage(ctxOf(c), job, await reportHead(c.env.DB, job.id, REPORT_SHOWN)));
});

consoleRoutes.post(`${IMPORT_PATH}/:id/cancel`, signedIn, async (c) => {
  const id = c.req.param("id");
  await stopImport(c.env.DB, id, "cancelled");
  return c.redirect(importJobPath(id), 303);
});

rejectOtherMethods(consoleRoutes, `${IMPORT_PATH}/:id`, ["GET", "HEAD"]);
rejectOtherMethods(consoleRoutes, `${IMPORT_PATH}/:id/cancel`, ["POST"]);
