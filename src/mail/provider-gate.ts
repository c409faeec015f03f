// One consumer invocation's view of the provider's shared state (src/mail/provider-state.ts), for the
// digest and for confirmation and welcome mails alike: whether the next call may be made, and what each
// answer says about the whole account.
//
// An outage is noticed once, not once per chunk or mail: DOWN_AFTER_FAILURES failed calls in a row (whoever
// made them) mark the provider down; from then on chunks and mails are deferred without a call, except one probe
// at a time on a capped backoff, and the probe's success reopens the way for all. A spent quota
// pauses every call until it resets. The state lives in D1, so the next invocation (or another
// isolate) starts from it; within an invocation it is re-read at most every REFRESH_MS.

import {
  claimProbe,
  DOWN_AFTER_FAILURES,
  type ProviderState,
  pauseProvider,
  quotaResetAt,
  readProviderState,
  recordProviderFailure,
  recordProviderUp,
} from "./provider-state.ts";
import type { SendOutcome } from "./transport.ts";

/** How stale the state may get within one invocation (others' quota answers, a waiting confirmation). */
export const REFRESH_MS = 5_000;
/** A probe in flight keeps others from probing this long (more than a call's 20 s timeout). */
export const PROBE_HOLD_MS = 60_000;

export type Admission = { call: true } | { call: false; until: Date; reason: string };

function log(level: "log" | "error", event: string, fields: Record<string, unknown>) {
  console[level](JSON.stringify({ event, ...fields }));
}

export class ProviderGate {
  readonly #db: D1Database;
  readonly #provider: string;
  /** Seconds before the next probe after `failures` failed calls in a row. */
  readonly #backoff: (failures: number) => number;
  #state: ProviderState;
  #readAt: number;

  private constructor(
    db: D1Database,
    provider: string,
    backoff: (failures: number) => number,
    state: ProviderState,
    at: number,
  ) {
    this.#db = db;
    this.#provider = provider;
    this.#backoff = backoff;
    this.#state = state;
    this.#readAt = at;
  }

  static async open(
    db: D1Database,
    provider: string,
    backoff: (failures: number) => number,
    now: Date,
  ): Promise<ProviderGate> {
    return new ProviderGate(db, provider, backoff, await readProviderState(db, provider), now.getTime());
  }

  /** Until when (epoch ms) a confirmation or welcome mail waits for room beside the digest. */
  get transactionalUntil(): number {
    return this.#state.transactionalUntil ? Date.parse(this.#state.transactionalUntil) : 0;
  }

  /** May a call be made now? While down, the caller that gets `call: true` is the one probe. */
  async admit(now: Date): Promise<Admission> {
    if (now.getTime() - this.#readAt >= REFRESH_MS) {
      this.#state = await readProviderState(this.#db, this.#provider);
      this.#readAt = now.getTime();
    }
    const at = now.toISOString();
    const s = this.#state;
    if (s.pausedUntil && s.pausedUntil > at) {
      return { call: false, until: new Date(s.pausedUntil), reason: s.pauseReason ?? "quota" };
    }
    if (s.downSince === null) return { call: true };
    const down = `provider down since ${s.downSince}: ${s.lastError ?? "no answer"}`;
    if (s.probeAt && s.probeAt > at) return { call: false, until: new Date(s.probeAt), reason: down };
    const hold = new Date(now.getTime() + PROBE_HOLD_MS);
    if (await claimProbe(this.#db, this.#provider, at, hold.toISOString())) {
      s.probeAt = hold.toISOString();
      log("log", "provider-probe", { provider: this.#provider, downSince: s.downSince });
      return { call: true };
    }
    // Someone else probes: wait for their answer.
    this.#state = await readProviderState(this.#db, this.#provider);
    this.#readAt = now.getTime();
    return { call: false, until: new Date(this.#state.probeAt ?? hold), reason: down };
  }

  /** What a call's answer says about the provider. Returns when calls may resume if they may not now. */
  async record(outcome: SendOutcome, now: Date): Promise<void> {
    const at = now.toISOString();
    const s = this.#state;
    if (!outcome.ok && outcome.kind === "unavailable") {
      const failures = s.failures + 1;
      const wasDown = s.downSince !== null;
      const probeAt = new Date(
        now.getTime() + Math.max(1, this.#backoff(failures - DOWN_AFTER_FAILURES + 1)) * 1000,
      ).toISOString();
      await recordProviderFailure(this.#db, this.#provider, { failures, error: outcome.message, probeAt, now: at });
      s.failures = failures;
      s.lastError = outcome.message;
      if (failures >= DOWN_AFTER_FAILURES) {
        s.downSince ??= at;
        s.probeAt = probeAt;
        if (!wasDown) log("error", "provider-down", { provider: this.#provider, since: at, nextProbeAt: probeAt });
      }
      return;
    }
    if (!outcome.ok && outcome.kind === "quota") {
      const until = quotaResetAt(outcome.period, now).toISOString();
      await pauseProvider(this.#db, this.#provider, { until, reason: outcome.message, now: at });
      if (!s.pausedUntil || s.pausedUntil < until) {
        log("error", "provider-paused", { provider: this.#provider, until, reason: outcome.message });
        s.pausedUntil = until;
        s.pauseReason = outcome.message;
      }
      return;
    }
    // Any other answer proves the provider is there; only an accepted call proves the quota back.
    const clearPause = outcome.ok && s.pausedUntil !== null;
    if (s.failures === 0 && s.downSince === null && !clearPause) return;
    await recordProviderUp(this.#db, this.#provider, at, { clearPause });
    if (s.downSince !== null) log("log", "provider-back", { provider: this.#provider, downSince: s.downSince, at });
    this.#state = {
      ...s,
      failures: 0,
      downSince: null,
      probeAt: null,
      lastError: null,
      ...(clearPause ? { pausedUntil: null, pauseReason: null } : {}),
    };
  }
}
