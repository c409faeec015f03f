// Subscription routes: /subscribe, /confirm/:token, /unsubscribe/:token, /preferences/:token.
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as z from "zod/mini";
import { CADENCE_REASON, CADENCES, isCadence } from "../cadences.ts";
import { requireMailDelivery, signingKey, verifyingKeys } from "../config.ts";
import type { SiteInfo } from "../content/schema.ts";
import type { AppEnv } from "../env.ts";
import { rejectOtherMethods } from "../http/methods.ts";
import { type FieldError, problem } from "../http/problem.ts";
import { afterResponse, mediaType, requestMeta } from "../http/request.ts";
import { defaultLanguage, languageProblem, localeFor, localeOfPath, localesOf } from "../i18n/locale.ts";
import type { MailMessage } from "../mail/queue.ts";
import { mailboxOf, parseAddress } from "../subscriptions/address.ts";
import {
  checkLink,
  confirm,
  linkFor,
  requestSubscription,
  type SubscriptionDeps,
  savePreferences,
  unsubscribe,
} from "../subscriptions/service.ts";
import { type Cadence, findById, pendingConfirmation, type Subscriber } from "../subscriptions/store.ts";
import type { Html } from "../web/layout.ts";
import {
  checkInboxPage,
  confirmedPage,
  confirmPage,
  foreignFormPage,
  linkProblemPage,
  preferencesPage,
  subscribeErrorPage,
  tooManyTriesPage,
  unsubscribedPage,
  unsubscribePage,
} from "../web/subscription-pages.ts";

export const subscriptionRoutes = new Hono<AppEnv>();

export function subscriptionDeps(c: Context<AppEnv>): SubscriptionDeps {
  const content = c.get("content");
  const base = c.get("base");
  return {
    db: c.env.DB,
    mailQueue: c.env.MAIL_QUEUE as Queue<MailMessage>,
    signingKey: signingKey(c.env),
    verifyingKeys: verifyingKeys(c.env),
    mail: { content, base, from: c.env.MAIL_FROM || content.site.mailFrom },
  };
}

/**
 * The page context: in the language of the path when it has a prefix (/fr/confirm/…), else in `language`
 * when it is one of the site's (the reader's, or the one the form asked for), else the default.
 */
const ctx = (c: Context<AppEnv>, language?: unknown) => {
  const site = c.get("content").site;
  const fromPath = localeOfPath(site, c.req.path);
  const code = typeof language === "string" && !languageProblem(site, language) ? language : defaultLanguage(site);
  return { content: c.get("content"), base: c.get("base"), locale: fromPath.prefix ? fromPath : localeFor(site, code) };
};

/** The address a personal page names; an erased subscriber's row only holds a hash of it. */
const shownAddress = (s: Subscriber) => (s.erased_at ? "your address" : s.email);

async function htmlPage(c: Context, body: Html, status: ContentfulStatusCode = 200) {
  return c.body(String(await body), status, {
    "Content-Type": "text/html; charset=utf-8",
    // Personal pages: never cached, never stored by shared caches.
    "Cache-Control": "no-store",
  });
}

const MAX_BODY = 16 * 1024;
const tooLarge = bodyLimit({
  maxSize: MAX_BODY,
  onError: (c) =>
    problem(c, 413, "Request body too large", [{ field: "body", reason: `must be at most ${MAX_BODY} bytes` }]),
});

const CadenceSchema = z.enum(CADENCES, { error: CADENCE_REASON });

const SubscribeSchema = z.object(
  {
    email: z
      .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
      .check(z.maxLength(320, "is too long")),
    cadence: z.optional(CadenceSchema),
    // Checked against site.yaml's languages in validateSubscribe (the schema does not know them).
    language: z.optional(z.unknown()),
    tags: z.optional(
      z
        .array(z.string().check(z.maxLength(64, "is too long")), { error: "must be a list of topics" })
        .check(z.maxLength(50, "has too many topics")),
    ),
  },
  { error: 'must be a JSON object like {"email": "you@example.org"}' },
);

type SubscribeRequest = z.infer<typeof SubscribeSchema>;

/** A form body, or null when it is not what its Content-Type says (e.g. multipart without parts). */
async function readForm(c: Context): Promise<Record<string, string | File | (string | File)[]> | null> {
  try {
    return await c.req.parseBody({ all: true });
  } catch {
    return null;
  }
}

const unreadableForm = (c: Context, type: string) =>
  problem(c, 400, "Invalid request", [{ field: "body", reason: `is not valid ${type}` }]);

/**
 * Form posts only from the site itself: a browser names the page's origin in `Origin` and says
 * `Sec-Fetch-Site: same-origin`; a form on another site (or a request that shows neither) is refused,
 * so nobody can sign strangers up from their own pages. `Origin: null` (what browsers send under this
 * site's `Referrer-Policy: no-referrer`) says nothing either way. Programs posting JSON send neither
 * header and are not affected; a browser cannot post JSON across sites without CORS, which this site
 * never grants. Returns the header at fault, or null.
 */
function fromOtherSite(c: Context<AppEnv>, form: boolean): string | null {
  const origin = c.req.header("Origin");
  const fetchSite = c.req.header("Sec-Fetch-Site");
  const own = new Set([new URL(c.get("base")).origin, new URL(c.req.url).origin]);
  const namedOrigin = origin !== undefined && origin !== "null" ? origin : undefined;
  if (namedOrigin !== undefined && !own.has(namedOrigin)) return "Origin";
  if (fetchSite !== undefined && fetchSite !== "same-origin") return "Sec-Fetch-Site";
  if (form && namedOrigin === undefined && fetchSite === undefined) return "Origin";
  return null;
}

/** The language of the path's prefix (/fr/subscribe: "fr"), or null under none. */
function languageOfPath(c: Context<AppEnv>): string | null {
  const locale = localeOfPath(c.get("content").site, c.req.path);
  return locale.prefix ? locale.code : null;
}

/** The language a subscribe body asks for, if any (checked when the page's locale is chosen). */
const formLanguage = (data: unknown) => (data as { language?: unknown } | null)?.language;

/** Reads the subscribe body as JSON or a form, or says why it can't. */
async function readSubscribeBody(c: Context): Promise<{ json: boolean; data: unknown } | { error: Response }> {
  const type = mediaType(c);
  if (type === "application/json") {
    try {
      return { json: true, data: await c.req.json() };
    } catch {
      return { error: problem(c, 400, "Invalid request", [{ field: "body", reason: "is not valid JSON" }]) };
    }
  }
  if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") {
    const form = await readForm(c);
    if (!form) return { error: unreadableForm(c, type) };
    const tags = form.tags === undefined ? undefined : [form.tags].flat().filter((t) => t !== "");
    const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
    return {
      json: false,
      data: {
        ...(form.email !== undefined ? { email: one(form.email) } : {}),
        ...(form.cadence !== undefined && form.cadence !== "" ? { cadence: one(form.cadence) } : {}),
        ...(form.language !== undefined && form.language !== "" ? { language: one(form.language) } : {}),
        ...(tags?.length ? { tags } : {}),
      },
    };
  }
  return {
    error: problem(c, 415, "Unsupported media type", [
      {
        field: "Content-Type",
        reason: "must be application/json, application/x-www-form-urlencoded or multipart/form-data",
      },
    ]),
  };
}

function validateSubscribe(
  data: unknown,
  knownTags: string[],
  site: SiteInfo["site"],
):
  | { ok: true; req: SubscribeRequest; email: string; normalized: string; language: string | null }
  | { ok: false; errors: FieldError[] } {
  const parsed = SubscribeSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ field: i.path.map(String).join(".") || "body", reason: i.message })),
    };
  }
  const address = parseAddress(parsed.data.email);
  const errors: FieldError[] = address.ok ? [] : [{ field: "email", reason: address.reason }];
  (parsed.data.tags ?? []).forEach((tag, i) => {
    if (!knownTags.includes(tag)) errors.push({ field: `tags.${i}`, reason: "is not a topic of this site" });
  });
  const { language } = parsed.data;
  const wrongLanguage = language === undefined ? null : languageProblem(site, language);
  if (wrongLanguage) errors.push({ field: "language", reason: wrongLanguage });
  if (!address.ok || errors.length) return { ok: false, errors };
  return {
    ok: true,
    req: parsed.data,
    email: address.email,
    normalized: address.normalized,
    language: typeof language === "string" ? language : null,
  };
}

subscriptionRoutes.post("/subscribe", tooLarge, async (c) => {
  const meta = requestMeta(c);
  const body = await readSubscribeBody(c);
  if ("error" in body) return body.error;
  const foreign = fromOtherSite(c, !body.json);
  if (foreign) {
    const reason = "the subscribe form can only be sent from this site's own pages";
    if (body.json) return problem(c, 403, "Forbidden", [{ field: foreign, reason }]);
    return htmlPage(c, foreignFormPage(ctx(c, formLanguage(body.data))), 403);
  }
  // Fail closed before anything is recorded: no provider outside local mode → 503.
  requireMailDelivery(c.env);
  const tooMany = (json: boolean) =>
    json
      ? problem(c, 429, "Too many tries", [{ field: "email", reason: "too many subscribe requests; wait a minute" }])
      : htmlPage(c, tooManyTriesPage(ctx(c, formLanguage(body.data))), 429);

  if (!(await c.env.SUBSCRIBE_BY_CLIENT.limit({ key: meta.ip ?? "unknown" })).success) {
    const res = await tooMany(body.json);
    res.headers.set("Retry-After", "60");
    return res;
  }
  const checked = validateSubscribe(body.data, c.get("content").tags, c.get("content").site);
  if (!checked.ok) {
    if (body.json) return problem(c, 400, "Invalid request", checked.errors);
    const data = body.data as { email?: unknown; cadence?: unknown; language?: unknown };
    const page = ctx(c, formLanguage(body.data));
    const state = {
      email: typeof data.email === "string" ? data.email.slice(0, 320) : "",
      cadence: isCadence(data.cadence) ? data.cadence : ("daily" as const),
      ...(typeof data.language === "string" ? { language: data.language.slice(0, 35) } : {}),
      error: checked.errors.map((e) => page.locale.m.formError(e.field, e.reason)).join(" "),
    };
    return htmlPage(c, subscribeErrorPage(page, state), 400);
  }
  // Per mailbox: "+tag" and capitalisation variants of one inbox share the limit.
  if (!(await c.env.SUBSCRIBE_BY_ADDRESS.limit({ key: mailboxOf(checked.normalized) })).success) {
    const res = await tooMany(body.json);
    res.headers.set("Retry-After", "60");
    return res;
  }
  const deps = subscriptionDeps(c);
  await afterResponse(
    c,
    requestSubscription(deps, {
      email: checked.email,
      normalized: checked.normalized,
      cadence: checked.req.cadence ?? "daily",
      topics: [...new Set(checked.req.tags ?? [])],
      // Without one, the language of the page it was sent to (/fr/subscribe: French).
      language: checked.language ?? languageOfPath(c),
      source: body.json ? "api" : "form",
      meta,
    }),
  );
  // Identical for new, pending, confirmed and unsubscribed addresses: nothing to enumerate.
  if (body.json) return c.json({ status: "pending" }, 202);
  return htmlPage(c, checkInboxPage(ctx(c, checked.language)));
});

const LINK_PROBLEM_STATUS = { invalid: 404, retired: 404, unknown: 404, expired: 410, stale: 410 } as const;

function linkProblem(c: Context<AppEnv>, problemKind: keyof typeof LINK_PROBLEM_STATUS) {
  return htmlPage(c, linkProblemPage(ctx(c), problemKind), LINK_PROBLEM_STATUS[problemKind]);
}

subscriptionRoutes.get("/confirm/:token", async (c) => {
  const deps = subscriptionDeps(c);
  const link = await checkLink(deps, c.req.param("token"), "confirm");
  if (!link.ok) return linkProblem(c, link.problem);
  const { subscriber, nonce } = link;
  if (subscriber.status === "confirmed" && subscriber.confirm_nonce === nonce) {
    return htmlPage(
      c,
      confirmedPage(ctx(c, subscriber.language), subscriber.email, await linkFor(deps, "preferences", subscriber)),
    );
  }
  // A pending sign-up, or a re-subscription waiting for this link.
  const target = await pendingConfirmation(deps.db, subscriber, nonce);
  if (!target) return linkProblem(c, "stale");
  // Only a page with a button: link scanners that follow GETs must not confirm anyone.
  return htmlPage(c, confirmPage(ctx(c, subscriber.language), target.email, c.req.path));
});

subscriptionRoutes.post("/confirm/:token", async (c) => {
  const deps = subscriptionDeps(c);
  const link = await checkLink(deps, c.req.param("token"), "confirm");
  if (!link.ok) return linkProblem(c, link.problem);
  // Confirming sends the welcome mail: without a provider outside local mode, 503 and no change.
  requireMailDelivery(c.env);
  const result = await confirm(deps, link.subscriber, link.nonce, requestMeta(c));
  if (result === "stale") return linkProblem(c, "stale");
  const subscriber = (await findById(deps.db, link.subscriber.id)) ?? link.subscriber;
  return htmlPage(
    c,
    confirmedPage(ctx(c, subscriber.language), subscriber.email, await linkFor(deps, "preferences", subscriber)),
  );
});

subscriptionRoutes.get("/unsubscribe/:token", async (c) => {
  const deps = subscriptionDeps(c);
  const link = await checkLink(deps, c.req.param("token"), "unsubscribe");
  if (!link.ok) return linkProblem(c, link.problem);
  const prefs = await linkFor(deps, "preferences", link.subscriber);
  // Never unsubscribes by itself: mail scanners open links.
  return htmlPage(
    c,
    unsubscribePage(ctx(c, link.subscriber.language), shownAddress(link.subscriber), c.req.path, prefs),
  );
});

// RFC 8058 one-click: the provider POSTs "List-Unsubscribe=One-Click" with no cookies; the body is not
// needed (the token says who), so any body is accepted. 200, no redirect, never rate limited.
subscriptionRoutes.post("/unsubscribe/:token", async (c) => {
  const deps = subscriptionDeps(c);
  const link = await checkLink(deps, c.req.param("token"), "unsubscribe");
  if (!link.ok) return linkProblem(c, link.problem);
  const via = mediaType(c) === "" ? "page" : "post";
  await unsubscribe(deps, link.subscriber, requestMeta(c), via);
  return htmlPage(c, unsubscribedPage(ctx(c, link.subscriber.language), shownAddress(link.subscriber)));
});

const PreferencesSchema = z.object({
  cadence: CadenceSchema,
  topics: z.array(z.string()).check(z.maxLength(200)),
  language: z.optional(z.unknown()),
});

async function preferencesState(c: Context<AppEnv>, deps: SubscriptionDeps, s: Subscriber) {
  return {
    email: shownAddress(s),
    status: s.status,
    cadence: s.cadence,
    topics: s.topics,
    language: s.language ?? defaultLanguage(c.get("content").site),
    languages: localesOf(c.get("content").site),
    allTopics: c.get("content").tags,
    action: c.req.path,
    unsubscribeUrl: await linkFor(deps, "unsubscribe", s),
  };
}

subscriptionRoutes.get("/preferences/:token", async (c) => {
  const deps = subscriptionDeps(c);
  const link = await checkLink(deps, c.req.param("token"), "preferences");
  if (!link.ok) return linkProblem(c, link.problem);
  return htmlPage(
    c,
    preferencesPage(ctx(c, link.subscriber.language), await preferencesState(c, deps, link.subscriber)),
  );
});

subscriptionRoutes.post("/preferences/:token", tooLarge, async (c) => {
  const deps = subscriptionDeps(c);
  const link = await checkLink(deps, c.req.param("token"), "preferences");
  if (!link.ok) return linkProblem(c, link.problem);
  const state = await preferencesState(c, deps, link.subscriber);
  if (state.status !== "confirmed" && state.status !== "pending")
    return htmlPage(c, preferencesPage(ctx(c, link.subscriber.language), state), 409);
  const type = mediaType(c);
  const form = type === "application/x-www-form-urlencoded" || type === "multipart/form-data" ? await readForm(c) : {};
  const here = ctx(c, link.subscriber.language);
  if (!form) return htmlPage(c, preferencesPage(here, { ...state, error: `The form was not valid ${type}.` }), 400);
  const parsed = PreferencesSchema.safeParse({
    cadence: Array.isArray(form.cadence) ? form.cadence[0] : form.cadence,
    topics: form.topics === undefined ? [] : [form.topics].flat(),
    ...(form.language !== undefined
      ? { language: Array.isArray(form.language) ? form.language[0] : form.language }
      : {}),
  });
  const unknown = parsed.success ? parsed.data.topics.filter((t) => !state.allTopics.includes(t)) : [];
  const language = parsed.success ? parsed.data.language : undefined;
  const wrongLanguage = language === undefined ? null : languageProblem(c.get("content").site, language);
  if (!parsed.success || unknown.length || wrongLanguage) {
    const error = !parsed.success
      ? parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")
      : unknown.length
        ? `Unknown topic: ${unknown.join(", ")}.`
        : `language ${wrongLanguage}.`;
    return htmlPage(c, preferencesPage(here, { ...state, error }), 400);
  }
  const cadence: Cadence = parsed.data.cadence;
  const topics = [...new Set(parsed.data.topics)].sort();
  const chosen = typeof language === "string" ? language : undefined;
  await savePreferences(deps, link.subscriber, cadence, topics, requestMeta(c), chosen);
  return htmlPage(
    c,
    preferencesPage(ctx(c, chosen ?? link.subscriber.language), {
      ...state,
      cadence,
      topics,
      ...(chosen ? { language: chosen } : {}),
      saved: true,
    }),
  );
});

rejectOtherMethods(subscriptionRoutes, "/subscribe", ["POST"]);
for (const path of ["/confirm/:token", "/unsubscribe/:token", "/preferences/:token"]) {
  rejectOtherMethods(subscriptionRoutes, path, ["GET", "HEAD", "POST"]);
}
