// Delivery through Resend's batch endpoint with the official SDK. The SDK never throws on API errors:
// it returns { data, error, headers }, so every answer is mapped to a SendOutcome here.
import { Resend } from "resend";
import type { MailTransport, OutgoingMail, RateInfo, SendOutcome } from "./transport.ts";

export const MAX_BATCH = 100;
/** A call without an answer by then counts as failed (an outage may be a hang). */
export const CALL_TIMEOUT_MS = 20_000;

interface ApiError {
  name?: string;
  message?: string;
  statusCode?: number | null;
}

function retryAfter(headers: Record<string, string> | null, fallback: number): number {
  const value = Number(headers?.["retry-after"] ?? headers?.["ratelimit-reset"]);
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : fallback;
}

export function rateInfo(headers: Record<string, string> | null): RateInfo | undefined {
  const limit = Number(headers?.["ratelimit-limit"]);
  const remaining = Number(headers?.["ratelimit-remaining"]);
  const resetSeconds = Number(headers?.["ratelimit-reset"]);
  if (!Number.isFinite(limit) || limit <= 0 || !Number.isFinite(remaining)) return undefined;
  return { limit, remaining, resetSeconds: Number.isFinite(resetSeconds) ? resetSeconds : 1 };
}

export function classifyError(error: ApiError, headers: Record<string, string> | null): SendOutcome {
  const name = error.name ?? "";
  const message = `${name}: ${error.message ?? "no message"}`;
  const status = error.statusCode ?? null;
  // Resend answers a spent quota with 429 as well: told apart by name, before any 429 is read as the rate.
  if (name === "daily_quota_exceeded" || name === "monthly_quota_exceeded") {
    return { ok: false, retry: true, kind: "quota", period: name.startsWith("daily") ? "daily" : "monthly", message };
  }
  if (name === "rate_limit_exceeded" || status === 429) {
    return { ok: false, retry: true, kind: "rate_limited", retryAfterSeconds: retryAfter(headers, 1), message };
  }
  if (name === "concurrent_idempotent_requests") {
    return { ok: false, retry: true, kind: "in_flight", retryAfterSeconds: retryAfter(headers, 2), message };
  }
  if (name === "invalid_idempotent_request") return { ok: false, retry: false, kind: "conflict", message };
  if (status === 401 || status === 403 || name === "missing_api_key" || name === "invalid_api_key") {
    return { ok: false, retry: false, kind: "auth", message };
  }
  // No status: the request never got an answer (network, timeout, lost response). 5xx: provider trouble.
  if (status === null || status >= 500 || name === "application_error" || name === "internal_server_error") {
    // No wait of its own unless the provider names one: the caller's backoff decides.
    return { ok: false, retry: true, kind: "unavailable", retryAfterSeconds: retryAfter(headers, 0), message };
  }
  return { ok: false, retry: false, kind: "rejected", message };
}

export class ResendTransport implements MailTransport {
  readonly name = "resend";
  readonly #client: Resend;

  constructor(apiKey: string, baseUrl?: string) {
    this.#client = new Resend(apiKey, baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, "") } : undefined);
  }

  async send(batch: OutgoingMail[], idempotencyKey: string): Promise<SendOutcome> {
    if (batch.length === 0) return { ok: true, ids: [] };
    if (batch.length > MAX_BATCH) throw new RangeError(`a batch holds at most ${MAX_BATCH} mails`);
    const { data, error, headers } = await this.#client.batch.send(
      batch.map((m) => ({
        from: m.from,
        to: [m.to],
        subject: m.subject,
        html: m.html,
        text: m.text,
        headers: m.headers,
        ...(m.tags ? { tags: m.tags } : {}),
      })),
      // Permissive validation: a mail the provider refuses (an address it will not take) is reported
      // by its index and the rest are sent, where strict validation would refuse the whole batch.
      {
        idempotencyKey,
        batchValidation: "permissive",
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      } as { idempotencyKey: string; batchValidation: "permissive" },
    );
    if (error) return classifyError(error as ApiError, headers);
    const rate = rateInfo(headers);
    const refused = [...(data?.errors ?? [])].sort((a, b) => a.index - b.index);
    if (refused.length > 0 && refused.length >= batch.length) {
      return { ok: false, retry: false, kind: "rejected", message: `validation_error: ${refused[0]?.message}` };
    }
    return {
      ok: true,
      ids: idsByPlace(batch.length, data?.data ?? [], refused),
      ...(refused.length ? { refused } : {}),
      ...(rate ? { rate } : {}),
    };
  }
}

/**
 * The provider lists the ids of the mails it created, in batch order, without the refused ones: each
 * id goes back to its mail's place. If the counts do not add up, no id is guessed — the webhooks find
 * those mails by their edition and chunk tags and address instead.
 */
function idsByPlace(size: number, created: { id: string }[], refused: { index: number }[]): (string | undefined)[] {
  const skipped = new Set(refused.map((r) => r.index));
  if (created.length !== size - skipped.size) return Array.from({ length: size }, () => undefined);
  let next = 0;
  return Array.from({ length: size }, (_, i) => (skipped.has(i) ? undefined : created[next++]?.id));
}
