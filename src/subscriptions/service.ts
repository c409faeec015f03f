// The subscription flows — subscribe, confirm, unsubscribe, preferences — on top of the store, the
// signed links and the mail transport. Routes call these; nothing here knows about HTTP.
import { confirmationMail, type MailContext, welcomeMail } from "../mail/messages.ts";
import type { MailTransport } from "../mail/transport.ts";
import {
  type Cadence,
  type ConsentSource,
  claimConfirmationSend,
  confirmSubscriber,
  findById,
  type RequestMeta,
  recordSubscribeRequest,
  type Subscriber,
  unsubscribeSubscriber,
  updatePreferences,
} from "./store.ts";
import { CONFIRM_TTL_SECONDS, newNonce, signToken, type TokenPurpose, verifyToken } from "./tokens.ts";

/** At most one confirmation mail per address in this window, however often the form is sent. */
export const CONFIRMATION_COOLDOWN_SECONDS = 5 * 60;

export interface SubscriptionDeps {
  db: D1Database;
  transport: MailTransport;
  signingKey: string;
  mail: MailContext;
  now?: () => Date;
}

const now = (deps: SubscriptionDeps) => (deps.now ? deps.now() : new Date());

export async function linkFor(
  deps: SubscriptionDeps,
  purpose: TokenPurpose,
  subscriber: Pick<Subscriber, "id" | "confirm_nonce">,
) {
  const expires = purpose === "confirm" ? Math.floor(now(deps).getTime() / 1000) + CONFIRM_TTL_SECONDS : 0;
  const nonce = purpose === "confirm" ? subscriber.confirm_nonce : newNonce();
  const token = await signToken(deps.signingKey, { purpose, subscriberId: subscriber.id, nonce, expires });
  return `${deps.mail.base}/${purpose}/${token}`;
}

export interface SubscribeInput {
  email: string;
  normalized: string;
  cadence: Cadence;
  topics: string[];
  source: ConsentSource;
  meta: RequestMeta;
}

/**
 * Records the request and, for a pending subscription, sends the confirmation mail. Known, confirmed
 * addresses get nothing; callers must answer the same either way (and do this after answering, so
 * timing tells nothing either).
 */
export async function requestSubscription(deps: SubscriptionDeps, input: SubscribeInput): Promise<void> {
  const at = now(deps);
  const subscriber = await recordSubscribeRequest(deps.db, { ...input, nonce: newNonce(), now: at.toISOString() });
  if (subscriber.status !== "pending") return;
  if (!(await claimConfirmationSend(deps.db, subscriber.id, at, CONFIRMATION_COOLDOWN_SECONDS))) return;
  const mail = await confirmationMail(
    deps.mail,
    subscriber.email,
    await linkFor(deps, "confirm", subscriber),
    subscriber.cadence,
  );
  const outcome = await deps.transport.send(
    [mail],
    `confirm-${subscriber.id}-${subscriber.confirm_nonce}-${at.getTime()}`,
  );
  if (!outcome.ok) {
    // Let the reader try again at once instead of waiting out the cooldown for a mail that never left.
    await deps.db.prepare("UPDATE subscribers SET confirmation_sent_at = NULL WHERE id = ?1").bind(subscriber.id).run();
    console.error(
      JSON.stringify({
        event: "mail-failed",
        kind: "confirmation",
        subscriber: subscriber.id,
        outcome: outcome.kind,
        message: outcome.message,
      }),
    );
  }
}

export type LinkCheck =
  | { ok: true; subscriber: Subscriber; nonce: string }
  | { ok: false; problem: "invalid" | "expired" | "unknown" };

/** Verifies a link's token and finds its subscriber. Never changes anything. */
export async function checkLink(deps: SubscriptionDeps, token: string, purpose: TokenPurpose): Promise<LinkCheck> {
  const check = await verifyToken(deps.signingKey, token, purpose, now(deps).getTime() / 1000);
  if (!check.ok) return { ok: false, problem: check.reason === "expired" ? "expired" : "invalid" };
  const subscriber = await findById(deps.db, check.claims.subscriberId);
  if (!subscriber) return { ok: false, problem: "unknown" };
  return { ok: true, subscriber, nonce: check.claims.nonce };
}

/** Confirms and sends the welcome mail the first time; a repeated press changes nothing. */
export async function confirm(deps: SubscriptionDeps, subscriber: Subscriber, nonce: string, meta: RequestMeta) {
  const result = await confirmSubscriber(deps.db, subscriber.id, nonce, meta, now(deps).toISOString());
  if (result === "confirmed") {
    const links = {
      unsubscribeUrl: await linkFor(deps, "unsubscribe", subscriber),
      preferencesUrl: await linkFor(deps, "preferences", subscriber),
    };
    const mail = await welcomeMail(deps.mail, subscriber.email, links, subscriber.cadence, subscriber.topics);
    const outcome = await deps.transport.send([mail], `welcome-${subscriber.id}-${nonce}`);
    if (!outcome.ok) {
      console.error(
        JSON.stringify({
          event: "mail-failed",
          kind: "welcome",
          subscriber: subscriber.id,
          outcome: outcome.kind,
          message: outcome.message,
        }),
      );
    }
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
) {
  await updatePreferences(deps.db, subscriber.id, cadence, topics, meta, now(deps).toISOString());
}
