// Spaces the digest's provider calls to the rate limit the provider reports in its ratelimit-* headers.
//
// Resend documents the headers (ratelimit-limit per second, -remaining, -reset in whole seconds,
// retry-after), not the shape of its window. Three shapes are common: a sliding one-second window,
// fixed windows that reset at whole seconds, and a token bucket holding a second of calls. All three
// allow a sequence of calls in which no span of one second holds more than `limit` of them, so that
// is what the pacer keeps to. The provider has counted a call at the latest when its answer arrives,
// so a call starts only a full second after the answer to the call `limit` calls before it: then
// that earlier call has left the provider's window, however the network delayed either of them.
// This costs the answer's way back once per second, not per call, and needs no guess of the jitter.
import type { RateInfo } from "../mail/transport.ts";

/** The pacer's view of time, injectable so tests can simulate it instead of sleeping. */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** Clock rounding between us and the provider (both count in whole ms). */
const MARGIN_MS = 5;
/**
 * Calls are spread at least this share of 1/limit apart, so a window is not used up in one burst;
 * less than the whole interval, so a call that started late is made up for by the next ones.
 */
const MIN_SPACING = 0.9;

interface Call {
  startedAt: number;
  /** When the answer (or the giving up on it) came; until then the provider may still count the call. */
  answeredAt?: number;
}

/**
 * One per isolate; the queue consumer runs one at a time (max_concurrency = 1), so calls never
 * overlap: every wait() is followed by one provider call, then update() or block() or neither
 * (an error without an answer).
 */
export class Pacer {
  readonly #clock: PacerClock;
  /** Our own recent calls, oldest first. */
  #calls: Call[] = [];
  /** The provider's limit per second, once an answer has told it. */
  #limit: number | undefined;
  /** The provider asked for no call before this time (a 429's retry-after, or a window full of others' calls). */
  #notBefore = 0;
  /** Until then the digest leaves a call per second to transactional mail (see reserve()). */
  #reservedUntil = 0;

  constructor(clock: PacerClock = realClock) {
    this.#clock = clock;
  }

  /** Waits until the next call may start, and counts that call as started. */
  async wait(): Promise<void> {
    const now = this.#clock.now();
    // The previous call is over by now, answered or not (5xx, lost answer, timeout).
    for (const call of this.#calls) call.answeredAt ??= now;
    const delay = this.#nextStart(now) - now;
    if (delay > 0) await this.#clock.sleep(delay);
    this.#calls.push({ startedAt: this.#clock.now() });
    // Only the last `limit` calls matter; keep a few more for the check in update().
    const keep = Math.max(16, 2 * (this.#limit ?? 0));
    if (this.#calls.length > keep) this.#calls.splice(0, this.#calls.length - keep);
  }

  /** How long (ms) until the next call may start, as far as the pacer knows now. */
  readyIn(): number {
    const now = this.#clock.now();
    return Math.max(0, this.#nextStart(now) - now);
  }

  /**
   * Until `untilMs`, keep one call per second of the provider's limit free for others on the account
   * (a confirmation mail waiting beside the digest): the digest keeps to limit − 1 calls a second.
   */
  reserve(untilMs: number): void {
    this.#reservedUntil = Math.max(this.#reservedUntil, untilMs);
  }

  #nextStart(now: number): number {
    let at = this.#notBefore;
    const reported = this.#limit;
    if (reported === undefined) return at; // no answer yet: nothing known to keep to
    // A call that has not been answered yet (the pacer is asked before the next wait()) counts as answered now.
    const limit = now < this.#reservedUntil ? Math.max(1, reported - 1) : reported;
    const last = this.#calls.at(-1);
    if (last) at = Math.max(at, last.startedAt + (MIN_SPACING * 1000) / limit);
    if (this.#calls.length >= limit) {
      const counted = this.#calls[this.#calls.length - limit]!;
      at = Math.max(at, (counted.answeredAt ?? now) + 1000 + MARGIN_MS);
    }
    return at;
  }

  /** The answer to the call that started at `startedAt`, with the provider's rate-limit headers. */
  update(startedAt: number, rate: RateInfo | undefined): void {
    const now = this.#clock.now();
    this.#answered(startedAt, now);
    if (!rate) return;
    this.#limit = rate.limit;
    if (rate.remaining > 0) return;
    // No slot left. If our own calls of the last second fill the window, the rule in #nextStart
    // already waits for the first of them to leave it. If they do not, someone else on the same
    // account uses the limit too, and only the provider knows when a slot frees: wait as it says.
    const ours = this.#calls.filter((c) => (c.answeredAt ?? now) > startedAt - 1000).length;
    if (ours < rate.limit) this.#notBefore = Math.max(this.#notBefore, now + rate.resetSeconds * 1000);
  }

  /** A 429: no call for `seconds` (the answer's retry-after). */
  block(seconds: number): void {
    const now = this.#clock.now();
    const last = this.#calls.at(-1);
    if (last) last.answeredAt ??= now;
    this.#notBefore = Math.max(this.#notBefore, now + seconds * 1000);
  }

  #answered(startedAt: number, now: number): void {
    const call = this.#calls.at(-1);
    if (call && call.answeredAt === undefined) {
      call.startedAt = Math.min(call.startedAt, startedAt);
      call.answeredAt = now;
    } else {
      this.#calls.push({ startedAt, answeredAt: now }); // a call made without wait()
    }
  }
}

export const pacer = new Pacer();
