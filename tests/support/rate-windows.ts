// Three ways a provider may count "N requests per second", each with the ratelimit-* headers it would
// honestly send. Resend documents the headers, not the shape of its window, so the stand-in can play
// any of them and the pacer is tested against each. Pure (time is passed in), so tests can simulate it.

export type RateWindow = "bucket" | "sliding" | "fixed";
export const RATE_WINDOWS: readonly RateWindow[] = ["bucket", "sliding", "fixed"];

export interface RateLimiter {
  readonly window: RateWindow;
  readonly limit: number;
  /** Counts a request arriving at `now` (ms) if the limit allows it; false means answer 429. */
  take(now: number): boolean;
  /** The ratelimit-* headers for an answer at `now`; a refused request (`limited`) also gets retry-after. */
  headers(now: number, limited: boolean): Record<string, string>;
}

export function createLimiter(window: RateWindow, limit: number): RateLimiter {
  if (window === "sliding") return new SlidingWindow(limit);
  if (window === "fixed") return new FixedWindows(limit);
  return new Bucket(limit);
}

/** Headers as delta-seconds: whole seconds, rounded up so a client that obeys them is never early. */
function rateHeaders(limit: number, remaining: number, resetMs: number, limited: boolean): Record<string, string> {
  const reset = String(Math.max(limited ? 1 : 0, Math.ceil(resetMs / 1000)));
  return {
    "ratelimit-limit": String(limit),
    "ratelimit-remaining": String(remaining),
    "ratelimit-reset": reset,
    ...(limited ? { "retry-after": reset } : {}),
  };
}

/** Token bucket holding up to one second of requests, so a burst of `limit` passes and then `limit` per second. */
class Bucket implements RateLimiter {
  readonly window = "bucket";
  readonly limit: number;
  #tokens: number;
  #last: number | undefined;
  constructor(limit: number) {
    this.limit = limit;
    this.#tokens = this.#capacity;
  }
  get #capacity(): number {
    return Math.max(1, this.limit);
  }
  #refill(now: number): void {
    const elapsed = this.#last === undefined ? 0 : Math.max(0, now - this.#last);
    this.#tokens = Math.min(this.#capacity, this.#tokens + (elapsed / 1000) * this.limit);
    this.#last = now;
  }
  take(now: number): boolean {
    this.#refill(now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
  headers(now: number, limited: boolean): Record<string, string> {
    this.#refill(now);
    // Limited: the wait until the next token; otherwise until the bucket is full again.
    const missing = limited ? 1 - this.#tokens : this.#capacity - this.#tokens;
    const resetMs = Math.max(1000, (Math.max(0, missing) / this.limit) * 1000);
    return rateHeaders(this.limit, limited ? 0 : Math.floor(this.#tokens), resetMs, limited);
  }
}

/**
 * A sliding one-second window: a request is allowed while fewer than `limit` were allowed in the
 * second before it. Refused requests are not counted.
 */
class SlidingWindow implements RateLimiter {
  readonly window = "sliding";
  readonly limit: number;
  /** Arrival times of the allowed requests still inside the window, oldest first. */
  #allowed: number[] = [];
  constructor(limit: number) {
    this.limit = limit;
  }
  #expire(now: number): void {
    while (this.#allowed.length > 0 && this.#allowed[0]! <= now - 1000) this.#allowed.shift();
  }
  take(now: number): boolean {
    this.#expire(now);
    if (this.#allowed.length >= this.limit) return false;
    this.#allowed.push(now);
    return true;
  }
  headers(now: number, limited: boolean): Record<string, string> {
    this.#expire(now);
    // The reset is when the oldest counted request leaves the window, freeing a slot.
    const oldest = this.#allowed[0];
    const resetMs = oldest === undefined ? 0 : oldest + 1000 - now;
    return rateHeaders(this.limit, this.limit - this.#allowed.length, resetMs, limited);
  }
}

/** Fixed windows: at most `limit` requests from one whole second of the clock to the next. */
class FixedWindows implements RateLimiter {
  readonly window = "fixed";
  readonly limit: number;
  #second = Number.NaN;
  #count = 0;
  constructor(limit: number) {
    this.limit = limit;
  }
  #roll(now: number): void {
    const second = Math.floor(now / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#count = 0;
    }
  }
  take(now: number): boolean {
    this.#roll(now);
    if (this.#count >= this.limit) return false;
    this.#count += 1;
    return true;
  }
  headers(now: number, limited: boolean): Record<string, string> {
    this.#roll(now);
    return rateHeaders(this.limit, this.limit - this.#count, (this.#second + 1) * 1000 - now, limited);
  }
}
