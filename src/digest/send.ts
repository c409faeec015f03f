// Sending one chunk: the frozen recipients, their variant with their own links, one batch call with
// an idempotency key, and the outcome in the ledger. See ledger.ts for why this sends exactly once.
import { readerLocale } from "../i18n/locale.ts";
import { listHeadersWithId, listId } from "../mail/list-headers.ts";
import type { ProviderGate } from "../mail/provider-gate.ts";
import { quotaResetAt } from "../mail/provider-state.ts";
import type { OutgoingMail, SendOutcome } from "../mail/transport.ts";
import { signToken } from "../subscriptions/tokens.ts";
import { base64url } from "../text/base64url.ts";
import type { DigestDeps } from "./deps.ts";
import {
  type ChunkRow,
  type FrozenChunk,
  freezeChunk,
  frozenRecipients,
  getChunk,
  markResumed,
  recordAttemptError,
  recordFailed,
  recordSent,
  recordUnconfirmed,
  startKeyClock,
  unlinkedMembers,
  variantsOf,
} from "./ledger.ts";
import { languageOfVariant } from "./plan.ts";
import type { DigestMessage } from "./queue-messages.ts";
import { personalise } from "./render.ts";

export type ChunkResult = { done: true } | { done: false; retryAfterSeconds: number };

/** Links in a digest are derived from the edition, so every retry renders the same bytes. */
async function editionNonce(editionId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`digest:${editionId}`)));
  return base64url(digest.subarray(0, 12));
}

/** A reader's own links, under their language's prefix (`pages`: the base and /fr for a French reader). */
async function linksFor(deps: DigestDeps, subscriberId: number, nonce: string, pages: string) {
  const token = (purpose: "unsubscribe" | "preferences") =>
    signToken(deps.signingKey, { purpose, subscriberId, nonce, expires: 0 });
  return {
    unsubscribeUrl: `${pages}/unsubscribe/${await token("unsubscribe")}`,
    preferencesUrl: `${pages}/preferences/${await token("preferences")}`,
  };
}

function log(level: "log" | "error", event: string, fields: Record<string, unknown>) {
  console[level](JSON.stringify({ event, ...fields }));
}

/**
 * Resend keeps an idempotency key 24 h: past that a retry could deliver twice, so a chunk stops 23 h
 * after its first call that the provider may have accepted (`key_used_at`). A call refused outright —
 * 429 over the rate limit, a spent quota — was checked before any work and stored no key: a later call
 * under the same key is a first call again and cannot deliver twice, so such calls start no clock, and
 * a chunk paused for days by a quota is sent when it resets. A 5xx, a timeout or a lost answer may
 * follow accepted work, so those do start it (and keep it: the clock is set before the call, so a
 * crash during the call leaves it running).
 */
export const GIVE_UP_AFTER_MS = 23 * 3_600_000;
/** The longest wait between two tries of a chunk in an outage: it is back within minutes of the provider. */
export const MAX_BACKOFF_SECONDS = 300;
/** Cloudflare Queues delay a message at most 12 h. */
export const MAX_QUEUE_DELAY_SECONDS = 12 * 3600;

/** How long to wait before the next try after `failures` (≥ 1) provider failures in a row (5xx, timeouts). */
export function backoff(deps: DigestDeps, failures: number): number {
  return Math.min(MAX_BACKOFF_SECONDS, deps.backoffSeconds * 2 ** Math.max(0, failures - 1));
}

/** A chunk ready for its batch call: recipients frozen, every mail built from the frozen rows. */
export type PreparedChunk =
  | { done: true }
  | { done: false; editionId: string; chunkNo: number; recipients: number[]; batch: OutgoingMail[] };

export async function prepareChunk(deps: DigestDeps, editionId: string, chunkNo: number): Promise<PreparedChunk> {
  const chunk = await getChunk(deps.db, editionId, chunkNo);
  if (chunk?.status !== "pending") return { done: true }; // a duplicate message: already settled
  let frozen: FrozenChunk;
  if (chunk.first_attempt_at === null || chunk.sender === null || chunk.list_id === null) {
    // The first attempt: links are signed now, once, and stored with the rest of the chunk's frame.
    const nonce = await editionNonce(editionId);
    const members = await unlinkedMembers(deps.db, editionId, chunkNo);
    // The variant names the reader's language: its pages' base, worked out once per language.
    const pagesOf = new Map<string | null, string>();
    const pages = (variant: string) => {
      const language = languageOfVariant(variant);
      let base = pagesOf.get(language);
      if (base === undefined) {
        base = `${deps.base}${readerLocale(deps.content.site, language).prefix}`;
        pagesOf.set(language, base);
      }
      return base;
    };
    const links = await Promise.all(
      members.map(async (m) => ({ subscriberId: m.id, ...(await linksFor(deps, m.id, nonce, pages(m.variant))) })),
    );
    const frame = { sender: deps.from, listId: listId(deps.content.site, deps.base) };
    frozen = await freezeChunk(deps.db, editionId, chunkNo, frame, links, deps.now().toISOString());
  } else {
    const recipients = await frozenRecipients(deps.db, editionId, chunkNo);
    frozen = { sender: chunk.sender, listId: chunk.list_id, recipients };
  }
  const { recipients } = frozen;
  if (recipients.length === 0) {
    await recordSent(deps.db, editionId, chunkNo, [], deps.now().toISOString());
    return { done: true };
  }
  const variants = await variantsOf(deps.db, editionId, [...new Set(recipients.map((r) => r.variant))]);
  const batch: OutgoingMail[] = [];
  for (const r of recipients) {
    const variant = variants.get(r.variant);
    if (!variant) throw new Error(`edition ${editionId}: variant missing for chunk ${chunkNo}`);
    const links = { unsubscribeUrl: r.unsubscribe_url, preferencesUrl: r.preferences_url };
    batch.push({
      from: frozen.sender,
      to: r.address,
      ...personalise(variant, links),
      headers: listHeadersWithId(frozen.listId, links.unsubscribeUrl),
      tags: [
        { name: "edition", value: editionId },
        { name: "chunk", value: String(chunkNo) },
      ],
    });
  }
  return { done: false, editionId, chunkNo, recipients: recipients.map((r) => r.subscriber_id), batch };
}

const expired = (chunk: ChunkRow, now: Date) =>
  chunk.key_used_at !== null && now.getTime() - Date.parse(chunk.key_used_at) >= GIVE_UP_AFTER_MS;

/**
 * The batch call for a prepared chunk, paced, and its outcome in the ledger. `gate` hears every answer
 * (the provider's shared state, see provider-gate.ts).
 */
export async function deliverChunk(
  deps: DigestDeps,
  prepared: PreparedChunk,
  gate?: ProviderGate,
): Promise<ChunkResult> {
  if (prepared.done) return { done: true };
  const { editionId, chunkNo, batch, recipients } = prepared;
  const now = () => deps.now().toISOString();
  // Looked at again right before the call: the chunk was prepared ahead, and a duplicate message for it
  // (the queue delivers at least once; the sweeper may re-enqueue) may have settled it meanwhile. Read
  // before the pacer's wait, not after: the pacer counts a call from its start to its answer, so a D1
  // read inside that span would cost throughput. Nothing else sends this chunk during the wait (one
  // consumer at a time, messages of a batch one after another).
  const current = await getChunk(deps.db, editionId, chunkNo);
  if (current?.status !== "pending") {
    log("log", "digest-chunk-duplicate", { edition: editionId, chunk: chunkNo, status: current?.status });
    return { done: true };
  }
  if (expired(current, deps.now())) {
    await giveUp(deps, current, "gave up: 23 h after the first attempt");
    return { done: true };
  }
  // The clock starts before the pacer's wait, so no D1 write falls inside the span the pacer counts.
  const clockStartedAt = current.key_used_at === null ? now() : undefined;
  if (clockStartedAt) await startKeyClock(deps.db, editionId, chunkNo, clockStartedAt);
  await deps.pacer.wait();
  const startedAt = Date.now();
  const outcome: SendOutcome = await deps.transport.send(batch, `${editionId}:${chunkNo}`);
  await gate?.record(outcome, deps.now());
  if (outcome.ok) {
    deps.pacer.update(startedAt, outcome.rate);
    // The provider may have refused single mails and sent the rest: those readers fail, with its reason.
    const refusedAt = new Map((outcome.refused ?? []).map((r) => [r.index, r.message]));
    const refused = [...refusedAt].flatMap(([i, message]) => {
      const subscriberId = recipients[i];
      return subscriberId === undefined ? [] : [{ subscriberId, reason: `rejected: ${message}` }];
    });
    const sent = recipients.flatMap((subscriberId, i) =>
      refusedAt.has(i) ? [] : [{ subscriberId, providerId: outcome.ids[i] }],
    );
    await recordSent(deps.db, editionId, chunkNo, sent, now(), refused);
    log("log", "digest-chunk-sent", { edition: editionId, chunk: chunkNo, recipients: sent.length });
    if (refused.length) {
      log("error", "digest-recipients-refused", {
        edition: editionId,
        chunk: chunkNo,
        refused: refused.length,
        message: refused[0]?.reason,
      });
    }
    return { done: true };
  }
  if (!outcome.ok && outcome.kind === "quota") {
    // Every call waits for the reset (the gate now holds them all); this one comes back then.
    const until = quotaResetAt(outcome.period, deps.now());
    const wait = Math.max(1, Math.ceil((until.getTime() - deps.now().getTime()) / 1000));
    await recordAttemptError(deps.db, editionId, chunkNo, `quota: ${outcome.message}`, {
      counted: false,
      nextAttemptAt: until.toISOString(),
      now: now(),
      ...(clockStartedAt ? { refusedCallStartedClockAt: clockStartedAt } : {}),
    });
    log("log", "digest-chunk-retry", { edition: editionId, chunk: chunkNo, kind: "quota", until: until.toISOString() });
    return { done: false, retryAfterSeconds: Math.min(wait, MAX_QUEUE_DELAY_SECONDS) };
  }
  if (outcome.retry) {
    // 429 and in-flight answers say when to come back; they are not the provider failing, so they do
    // not grow the backoff. 5xx, timeouts and lost answers do, up to MAX_BACKOFF_SECONDS.
    const counted = outcome.kind === "unavailable";
    if (outcome.kind === "rate_limited") deps.pacer.block(outcome.retryAfterSeconds);
    const failures = current.failures + (counted ? 1 : 0);
    const wanted = counted ? Math.max(outcome.retryAfterSeconds, backoff(deps, failures)) : outcome.retryAfterSeconds;
    const refused = outcome.kind === "rate_limited";
    const clockAt = current.key_used_at ?? (refused ? undefined : clockStartedAt);
    const firstAt = clockAt ? Date.parse(clockAt) : deps.now().getTime();
    const left = (firstAt + GIVE_UP_AFTER_MS - deps.now().getTime()) / 1000;
    if (left <= 0) {
      await giveUp(
        deps,
        current,
        `gave up: 23 h after the first attempt; last answer ${outcome.kind}: ${outcome.message}`,
      );
      return { done: true };
    }
    // The last try lands just before the deadline rather than after it.
    const wait = Math.max(1, Math.min(wanted, Math.ceil(left), MAX_QUEUE_DELAY_SECONDS));
    await recordAttemptError(deps.db, editionId, chunkNo, `${outcome.kind}: ${outcome.message}`, {
      counted,
      nextAttemptAt: new Date(deps.now().getTime() + wait * 1000).toISOString(),
      now: now(),
      ...(refused && clockStartedAt ? { refusedCallStartedClockAt: clockStartedAt } : {}),
    });
    log("log", "digest-chunk-retry", {
      edition: editionId,
      chunk: chunkNo,
      kind: outcome.kind,
      retryAfterSeconds: wait,
    });
    return { done: false, retryAfterSeconds: wait };
  }
  if (outcome.kind === "conflict") {
    // Only an accepted earlier call can have stored this key: the mail most likely went out with the
    // first bytes. Not a failure; the webhooks for those mails settle each recipient.
    await recordUnconfirmed(deps.db, editionId, chunkNo, `conflict: ${outcome.message}`, now());
    log("error", "digest-chunk-unconfirmed", {
      edition: editionId,
      chunk: chunkNo,
      recipients: recipients.length,
      message: outcome.message,
    });
    return { done: true };
  }
  await recordFailed(deps.db, editionId, chunkNo, `${outcome.kind}: ${outcome.message}`, now());
  log("error", "digest-chunk-failed", {
    edition: editionId,
    chunk: chunkNo,
    recipients: recipients.length,
    kind: outcome.kind,
    message: outcome.message,
  });
  return { done: true };
}

export async function sendChunk(deps: DigestDeps, editionId: string, chunkNo: number): Promise<ChunkResult> {
  return deliverChunk(deps, await prepareChunk(deps, editionId, chunkNo));
}

async function giveUp(deps: DigestDeps, chunk: ChunkRow, reason: string): Promise<void> {
  await recordFailed(deps.db, chunk.edition_id, chunk.chunk, reason, deps.now().toISOString());
  log("error", "digest-chunk-given-up", {
    edition: chunk.edition_id,
    chunk: chunk.chunk,
    recipients: chunk.recipients,
    firstAttemptAt: chunk.first_attempt_at,
    reason,
  });
}

/**
 * A chunk the queue dead-lettered (its retries ran out, or the consumer kept failing). The queue's
 * attempt count does not decide: a chunk still inside its 23 h window goes back on the queue; only
 * one past it is recorded as failed. Returns what was done.
 */
export async function rescueChunk(
  deps: DigestDeps,
  editionId: string,
  chunkNo: number,
): Promise<"settled" | "requeued" | "given-up"> {
  const chunk = await getChunk(deps.db, editionId, chunkNo);
  if (chunk?.status !== "pending") return "settled";
  if (expired(chunk, deps.now())) {
    await giveUp(deps, chunk, "gave up: 23 h after the first attempt (dead-letter queue)");
    return "given-up";
  }
  const delaySeconds = backoff(deps, Math.max(1, chunk.failures));
  await deps.queue.send({ kind: "send", edition: editionId, chunk: chunkNo } satisfies DigestMessage, { delaySeconds });
  await markResumed(
    deps.db,
    [{ edition_id: editionId, chunk: chunkNo }],
    new Date(deps.now().getTime() + delaySeconds * 1000).toISOString(),
  );
  log("error", "digest-chunk-dead-lettered", { edition: editionId, chunk: chunkNo, action: "requeued", delaySeconds });
  return "requeued";
}
