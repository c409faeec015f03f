// The subscription flows — subscribe, confirm, unsubscribe, preferences — on top of the store, the
// signed links and the mail transport. Routes call these; nothing here knows about HTTP.
import { readerLocale } from "../i18n/locale.ts";
import { confirmationMail, type MailContext, welcomeMail } from "../mail/messages.ts";
import { enqueueMail, type MailMessage } from "../mail/queue.ts";
import { mailboxOf, sha256Hex } from "./address.ts";
import {
  type Cadence,
  claimConfirmationMail,
  confirmationMailAllowedAt,
  confirmSubscriber,
  event,
  findById,
  markConfirmationSent,
  type RequestMeta,
  recordSubscribeRequest,
  type Subscriber,
  unsubscribeSubscriber,
  updatePreferences,
} from "./store.ts";
import { CONFIRM_TTL_SECONDS, newNonce, signToken, type TokenPurpose, verifyToken } from "./tokens.ts";

/** Against mail bombing, per mailbox (the address without +suffix): one mail per 5 minutes, 3 a day. */
export const CONFIRMATION_LIMITS = { cooldownSeconds: 5 * 60, perDay: 3 };
/** A complained address asked to subscribe again gets at most one confirmation mail in this window. */
export const COMPLAINED_CONFIRMATION_INTERVAL_SECONDS = 30 * 24 * 60 * 60;

export interface SubscriptionDeps {
  db: D1Database;
  /** Confirmation and welcome mails go out through this queue (src/mail/queue.ts). */
  mailQueue: Queue<MailMessage>;
  signingKey: string;
  /** Keys a link may carry: signingKey first, then retired ones (SIGNING_SECRET_PREVIOUS). Default: signingKey. */
  verifyingKeys?: readonly string[];
  mail: MailContext;
  now?: () => Date;
}

const now = (deps: SubscriptionDeps) => (deps.now ? deps.now() : new Date());

/** A signed link for the reader, under their language's prefix (/fr/confirm/…) when it is not the default. */
export async function linkFor(
  deps: SubscriptionDeps,
  purpose: TokenPurpose,
  subscriber: Pick<Subscriber, "id" | "confirm_nonce"> & { language?: string | null },
) {
  const expires = purpose === "confirm" ? Math.floor(now(deps).getTime() / 1000) + CONFIRM_TTL_SECONDS : 0;
  const nonce = purpose === "confirm" ? subscriber.confirm_nonce : newNonce();
  const token = await signToken(deps.signingKey, { purpose, subscriberId: subscriber.id, nonce, expires });
  const { prefix } = readerLocale(deps.mail.content.site, subscriber.language);
  return `${deps.mail.base}${prefix}/${purpose}/${token}`;
}

export interface SubscribeInput {
  email: string;
  normalized: string;
  cadence: Cadence;
  topics: string[];
  /** A code from site.yaml `languages`, already checked; null: the site's default. */
  language: string | null;
  source: "form" | "api";
  meta: RequestMeta;
}

/**
 * Records the request and queues a confirmation mail when one is due. Confirmed addresses get nothing;
 * a hard-bounced one never gets a mail from a form; a complained one at most one per 30 days; and every
 * mailbox at most one per cooldown and three a day. Callers answer the same whatever happens here (and
 * run it after answering, so timing tells nothing either).
 */
export async function requestSubscription(deps: SubscriptionDeps, input: SubscribeInput): Promise<void> {
  const at = now(deps);
  const record = await recordSubscribeRequest(deps.db, { ...input, nonce: newNonce(), now: at.toISOString() });
  if (record.kind === "confirmed") return;
  const { subscriber, email, nonce } = record;
  if (record.kind === "resubscribe") {
    if (subscriber.status === "bounced") return;
    const last = subscriber.confirmation_sent_at ? Date.parse(subscriber.confirmation_sent_at) : 0;
    if (subscriber.status === "complained" && at.getTime() - last < COMPLAINED_CONFIRMATION_INTERVAL_SECONDS * 1000)
      return;
  }
  const mailbox = await sha256Hex(mailboxOf(input.normalized));
  if (!(await claimConfirmationMail(deps.db, mailbox, at, CONFIRMATION_LIMITS))) return;
  await markConfirmationSent(deps.db, subscriber.id, at.toISOString());
  const cadence = record.kind === "pending" ? subscriber.cadence : input.cadence;
  const mail = await confirmationMail(
    deps.mail,
    email,
    await linkFor(deps, "confirm", {
      id: subscriber.id,
      confirm_nonce: nonce,
      language: record.kind === "pending" ? subscriber.language : input.language,
    }),
    cadence,
    record.kind === "pending" ? subscriber.language : input.language,
  );
  await enqueueMail(
    deps.db,
    deps.mailQueue,
    {
      kind: "confirmation",
      key: `confirm-${subscriber.id}-${nonce}-${at.getTime()}`,
      subscriberId: subscriber.id,
      nonce,
      mail,
    },
    at,
  );
}

export type ResendResult = { sent: true } | { sent: false; retryAt: Date };

/**
 * The publisher sends a pending reader their confirmation mail again: the same link, under the same
 * per-mailbox limits as the form (CONFIRMATION_LIMITS), so the console cannot mail-bomb anyone either.
 */
export async function resendConfirmation(
  deps: SubscriptionDeps,
  subscriber: Subscriber,
  meta: RequestMeta,
): Promise<ResendResult> {
  const at = now(deps);
  const mailbox = await sha256Hex(mailboxOf(subscriber.email_normalized));
  if (!(await claimConfirmationMail(deps.db, mailbox, at, CONFIRMATION_LIMITS))) {
    return { sent: false, retryAt: await confirmationMailAllowedAt(deps.db, mailbox, at, CONFIRMATION_LIMITS) };
  }
  await markConfirmationSent(deps.db, subscriber.id, at.toISOString());
  const nonce = subscriber.confirm_nonce;
  const link = await linkFor(deps, "confirm", subscriber);
  const mail = await confirmationMail(deps.mail, subscriber.email, link, subscriber.cadence, subscriber.language);
  await enqueueMail(
    deps.db,
    deps.mailQueue,
    {
      kind: "confirmation",
      key: `confirm-${subscriber.id}-${nonce}-${at.getTime()}`,
      subscriberId: subscriber.id,
      nonce,
      mail,
    },
    at,
  );
  await event(deps.db, subscriber.id, "confirmation-resent", at.toISOString(), meta, { via: "console" }).run();
  return { sent: true };
}

export type LinkCheck =
  | { ok: true; subscriber: Subscriber; nonce: string }
  | { ok: false; problem: "invalid" | "retired" | "expired" | "unknown" };

/** Verifies a link's token and finds its subscriber. Never changes anything. */
export async function checkLink(deps: SubscriptionDeps, token: string, purpose: TokenPurpose): Promise<LinkCheck> {
  const check = await verifyToken(deps.verifyingKeys ?? deps.signingKey, token, purpose, now(deps).getTime() / 1000);
  if (!check.ok) {
    // Well formed but signed with no key we hold: most likely a key retired from SIGNING_SECRET_PREVIOUS.
    const problem = check.reason === "expired" ? "expired" : check.reason === "forged" ? "retired" : "invalid";
    return { ok: false, problem };
  }
  const subscriber = await findById(deps.db, check.claims.subscriberId);
  if (!subscriber) return { ok: false, problem: "unknown" };
  return { ok: true, subscriber, nonce: check.claims.nonce };
}

/** Confirms and queues the welcome mail the first time; a repeated press changes nothing. */
export async function confirm(deps: SubscriptionDeps, subscriber: Subscriber, nonce: string, meta: RequestMeta) {
  const at = now(deps);
  const result = await confirmSubscriber(deps.db, subscriber.id, nonce, meta, at.toISOString());
  if (result === "confirmed") {
    // Read again: a re-subscription brings its own address and choices.
    const confirmed = (await findById(deps.db, subscriber.id)) as Subscriber;
    const links = {
      unsubscribeUrl: await linkFor(deps, "unsubscribe", confirmed),
      preferencesUrl: await linkFor(deps, "preferences", confirmed),
    };
    const mail = await welcomeMail(
      deps.mail,
      confirmed.email,
      links,
      confirmed.cadence,
      confirmed.topics,
      confirmed.language,
    );
    await enqueueMail(
      deps.db,
      deps.mailQueue,
      { kind: "welcome", key: `welcome-${confirmed.id}-${nonce}`, subscriberId: confirmed.id, nonce, mail },
      at,
    );
  }
  return result;
}

export async function unsubscribe(deps: SubscriptionDeps, subscriber: Subscriber, meta: RequestMeta, via: string) {
  await unsubscribeSubscriber(deps.db, subscriber.id, meta, now(deps).toISOString(), via);
}

export async function savePreferences(
  deps: SubscriptionDeps,
  subscriber: Subscriber,
  cadence: Cadence,
  topics: string[],
  meta: RequestMeta,
  language?: string | null,
) {
  await updatePreferences(deps.db, subscriber.id, cadence, topics, meta, now(deps).toISOString(), language);
}
