// The console's subscribers pages under /admin/subscribers: the list with search, filters and paging,
// one reader's page, and Unsubscribe, Erase and Resend confirmation, each behind a confirmation page
// (GET asks, POST does; the POST passes the console's origin check in signedIn). The readers are named
// by id in every URL: request logs keep URLs, and must not keep addresses. The CSV export is the JSON
// API's GET /admin/subscribers.csv, with the same filters.
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import {
  confirmActionPage,
  erasedPage,
  type ListForm,
  noReaderPage,
  type ReaderAction,
  type ReaderNotice,
  readerPage,
  readerPath,
  subscribersPage,
} from "../console/subscribers-pages.ts";
import type { AppEnv } from "../env.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { requestMeta } from "../http/request.ts";
import { readerHistory } from "../subscriptions/history.ts";
import { eraseSubscriber } from "../subscriptions/retention.ts";
import { searchQueryFrom, searchSubscribers } from "../subscriptions/search.ts";
import { resendConfirmation, unsubscribe } from "../subscriptions/service.ts";
import { findById } from "../subscriptions/store.ts";
import { ctxOf, sendPage, signedIn } from "./console.ts";
import { subscriptionDeps } from "./subscriptions.ts";

export const consoleSubscriberRoutes = new Hono<AppEnv>();

const PER_PAGE = 50;

consoleSubscriberRoutes.get("/admin/subscribers", signedIn, async (c) => {
  const query = c.req.query();
  const form: ListForm = { q: query.q, status: query.status, cadence: query.cadence, topic: query.topic };
  const topics = c.get("content").tags;
  const search = searchQueryFrom({ ...query, limit: String(PER_PAGE) }, topics);
  if (!search.ok) {
    return sendPage(
      c,
      400,
      subscribersPage(ctxOf(c), { form, topics, page: null, errors: search.errors, first: true }),
    );
  }
  const page = await searchSubscribers(c.env.DB, search.input);
  const first = search.input.after === undefined;
  return sendPage(c, 200, subscribersPage(ctxOf(c), { form, topics, page, errors: [], first }));
});

/** A reader id as URLs carry it: a positive integer (anything else names no reader). */
const ID = /^[1-9][0-9]{0,14}$/;

function readerIdOf(c: Context<AppEnv>): number | null {
  const id = c.req.param("id") ?? "";
  return ID.test(id) ? Number(id) : null;
}

const noReader = (c: Context<AppEnv>) =>
  sendPage(c, 404, noReaderPage(ctxOf(c), "There is no subscriber with this id. It may have expired unconfirmed."));

async function showReader(c: Context<AppEnv>, id: number, status: 200 | 429 = 200, notice?: ReaderNotice) {
  const history = await readerHistory(c.env.DB, id);
  if (!history) return noReader(c);
  return sendPage(c, status, readerPage(ctxOf(c), history, notice));
}

const DONE: Record<string, string> = {
  unsubscribed: "Unsubscribed: they get no more digests.",
  "confirmation-sent": "The confirmation mail is on its way again.",
};

// Paths beside the readers' ids that other pages own (the import page): this route steps aside for them.
const NOT_A_READER = new Set(["import"]);

consoleSubscriberRoutes.get("/admin/subscribers/:id", signedIn, async (c, next) => {
  if (NOT_A_READER.has(c.req.param("id"))) return next();
  const id = readerIdOf(c);
  if (id === null) return noReader(c);
  const done = DONE[c.req.query("done") ?? ""];
  return showReader(c, id, 200, done ? { text: done, kind: "status" } : undefined);
});

const ACTIONS: readonly ReaderAction[] = ["unsubscribe", "erase", "confirmation"];

consoleSubscriberRoutes.get("/admin/subscribers/:id/:action", signedIn, async (c) => {
  const id = readerIdOf(c);
  const action = c.req.param("action") as ReaderAction;
  if (id === null || !ACTIONS.includes(action)) return noReader(c);
  const history = await readerHistory(c.env.DB, id);
  if (!history) return noReader(c);
  if (history.reader.erased_at) return sendPage(c, 200, erasedPage(ctxOf(c), id));
  return sendPage(c, 200, confirmActionPage(ctxOf(c), history.reader, action));
});

const actionLimit = bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text("Request body too large", 413) });

consoleSubscriberRoutes.post("/admin/subscribers/:id/:action", actionLimit, signedIn, async (c) => {
  const id = readerIdOf(c);
  const action = c.req.param("action") as ReaderAction;
  if (id === null || !ACTIONS.includes(action)) return noReader(c);
  const subscriber = await findById(c.env.DB, id);
  if (!subscriber) return noReader(c);
  // Erased already: nothing is left to act on (and erasing again would hash the hash).
  if (subscriber.erased_at) return sendPage(c, 200, erasedPage(ctxOf(c), id));
  const deps = subscriptionDeps(c);
  if (action === "erase") {
    // The API's erasure (POST /admin/subscribers/erase), found by id rather than by a typed address.
    await eraseSubscriber(c.env.DB, subscriber.email_normalized, new Date());
    return sendPage(c, 200, erasedPage(ctxOf(c), id));
  }
  if (action === "unsubscribe") {
    await unsubscribe(deps, subscriber, requestMeta(c), "console");
    return c.redirect(`${readerPath(id)}?done=unsubscribed`, 303);
  }
  if (subscriber.status !== "pending") {
    return showReader(c, id, 200, {
      text: "Not sent: only a pending reader has a confirmation to send.",
      kind: "error",
    });
  }
  const sent = await resendConfirmation(deps, subscriber, requestMeta(c));
  if (!sent.sent) {
    const when = `${sent.retryAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
    const text = `Not sent: a confirmation mail went to this mailbox a short while ago. Try again after ${when}.`;
    c.header("Retry-After", String(Math.max(1, Math.ceil((sent.retryAt.getTime() - Date.now()) / 1000))));
    return showReader(c, id, 429, { text, kind: "error" });
  }
  return c.redirect(`${readerPath(id)}?done=confirmation-sent`, 303);
});

rejectOtherMethods(consoleSubscriberRoutes, "/admin/subscribers", ["GET", "HEAD"]);
rejectOtherMethods(consoleSubscriberRoutes, "/admin/subscribers/:id/:action", ["GET", "HEAD", "POST"]);
