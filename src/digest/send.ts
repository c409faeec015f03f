// Sending one chunk: the frozen recipients, their variant with their own links, one batch call with
// an idempotency key, and the outcome in the ledger. See ledger.ts for why this sends exactly once.
import { listHeadersFor } from "../mail/list-headers.ts";
import type { OutgoingMail, SendOutcome } from "../mail/transport.ts";
import { signToken } from "../subscriptions/tokens.ts";
import { base64url } from "../text/base64url.ts";
import type { DigestDeps } from "./deps.ts";
import {
  freezeChunk,
  frozenRecipients,
  getChunk,
  recordAttemptError,
  recordFailed,
  recordSent,
  variantsOf,
} from "./ledger.ts";
import { pacer } from "./pacer.ts";
import { personalise } from "./render.ts";

export type ChunkResult = { done: true } | { done: false; retryAfterSeconds: number };

/** Links in a digest are derived from the edition, so every retry renders the same bytes. */
async function editionNonce(editionId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`digest:${editionId}`)));
  return base64url(digest.subarray(0, 12));
}

async function linksFor(deps: DigestDeps, subscriberId: number, nonce: string) {
  const token = (purpose: "unsubscribe" | "preferences") =>
    signToken(deps.signingKey, { purpose, subscriberId, nonce, expires: 0 });
  return {
    unsubscribeUrl: `${deps.base}/unsubscribe/${await token("unsubscribe")}`,
    preferencesUrl: `${deps.base}/preferences/${await token("preferences")}`,
  };
}

function log(level: "log" | "error", event: string, fields: Record<string, unknown>) {
  console[level](JSON.stringify({ event, ...fields }));
}

/** How long to wait before retry `attempt` (1-based) after a provider or network failure. */
export function backoff(deps: DigestDeps, attempt: number): number {
  return Math.min(300, deps.backoffSeconds * 2 ** Math.max(0, attempt - 1));
}

/** A chunk ready for its batch call: recipients frozen, every mail built. */
export type PreparedChunk =
  | { done: true }
  | { done: false; editionId: string; chunkNo: number; attempts: number; recipients: number[]; batch: OutgoingMail[] };

export async function prepareChunk(deps: DigestDeps, editionId: string, chunkNo: number): Promise<PreparedChunk> {
  const chunk = await getChunk(deps.db, editionId, chunkNo);
  if (chunk?.status !== "pending") return { done: true }; // a duplicate message: already settled
  await freezeChunk(deps.db, editionId, chunkNo, deps.now().toISOString());
  const recipients = await frozenRecipients(deps.db, editionId, chunkNo);
  if (recipients.length === 0) {
    await recordSent(deps.db, editionId, chunkNo, [], deps.now().toISOString());
    return { done: true };
  }
  const variants = await variantsOf(deps.db, editionId, [...new Set(recipients.map((r) => r.variant))]);
  const nonce = await editionNonce(editionId);
  const headersFor = listHeadersFor(deps.content.site, deps.base);
  const batch: OutgoingMail[] = [];
  for (const r of recipients) {
    const variant = variants.get(r.variant);
    if (!variant) throw new Error(`edition ${editionId}: variant missing for chunk ${chunkNo}`);
    const links = await linksFor(deps, r.subscriber_id, nonce);
    batch.push({
      from: deps.from,
      to: r.email,
      ...personalise(variant, links),
      headers: headersFor(links.unsubscribeUrl),
      tags: [{ name: "edition", value: editionId }],
    });
  }
  return {
    done: false,
    editionId,
    chunkNo,
    attempts: chunk.attempts + 1,
    recipients: recipients.map((r) => r.subscriber_id),
    batch,
  };
}

/** The batch call for a prepared chunk, paced, and its outcome in the ledger. */
export async function deliverChunk(deps: DigestDeps, prepared: PreparedChunk): Promise<ChunkResult> {
  if (prepared.done) return { done: true };
  const { editionId, chunkNo, batch, recipients } = prepared;
  const now = () => deps.now().toISOString();
  await pacer.wait();
  const startedAt = Date.now();
  const outcome: SendOutcome = await deps.transport.send(batch, `${editionId}:${chunkNo}`);
  if (outcome.ok) {
    pacer.update(startedAt, outcome.rate);
    await recordSent(
      deps.db,
      editionId,
      chunkNo,
      recipients.map((subscriberId, i) => ({ subscriberId, providerId: outcome.ids[i] })),
      now(),
    );
    log("log", "digest-chunk-sent", { edition: editionId, chunk: chunkNo, recipients: recipients.length });
    return { done: true };
  }
  if (outcome.retry) {
    if (outcome.kind === "rate_limited") pacer.block(outcome.retryAfterSeconds);
    const wait =
      outcome.kind === "unavailable"
        ? Math.max(outcome.retryAfterSeconds, backoff(deps, prepared.attempts))
        : outcome.retryAfterSeconds;
    await recordAttemptError(deps.db, editionId, chunkNo, `${outcome.kind}: ${outcome.message}`, now());
    log("log", "digest-chunk-retry", {
      edition: editionId,
      chunk: chunkNo,
      kind: outcome.kind,
      retryAfterSeconds: wait,
    });
    return { done: false, retryAfterSeconds: wait };
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

/** A chunk that exhausted its retries (from the dead-letter queue): recorded as failed, loudly. */
export async function giveUpChunk(deps: DigestDeps, editionId: string, chunkNo: number): Promise<void> {
  const chunk = await getChunk(deps.db, editionId, chunkNo);
  if (chunk?.status !== "pending") return;
  await recordFailed(
    deps.db,
    editionId,
    chunkNo,
    "gave up: retry limit reached (dead-letter queue)",
    deps.now().toISOString(),
  );
  log("error", "digest-chunk-dead-lettered", { edition: editionId, chunk: chunkNo, recipients: chunk.recipients });
}
