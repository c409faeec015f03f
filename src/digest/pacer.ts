// Spaces the digest's provider calls to the rate limit the provider reports in its ratelimit-* headers.
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

/**
 * Spaces provider calls to the rate the provider reports (ratelimit-limit per second), so a long
 * edition runs close to the limit instead of bursting into 429s. One per isolate; the queue consumer
 * runs one at a time (max_concurrency = 1).
 */
export class Pacer {
  #nextAt = 0;
  readonly #clock: PacerClock;

  constructor(clock: PacerClock = realClock) {
    this.#clock = clock;
  }

  async wait(): Promise<void> {
    const delay = this.#nextAt - this.#clock.now();
    if (delay > 0) await this.#clock.sleep(delay);
  }

  /** After a call that started at `startedAt`: the next may start one interval later, or after a reset. */
  update(startedAt: number, rate: RateInfo | undefined): void {
    if (!rate) return;
    const interval = 1000 / rate.limit;
    this.#nextAt = rate.remaining > 0 ? startedAt + interval : this.#clock.now() + rate.resetSeconds * 1000;
  }

  block(seconds: number): void {
    this.#nextAt = Math.max(this.#nextAt, this.#clock.now() + seconds * 1000);
  }
}

export const pacer = new Pacer();
