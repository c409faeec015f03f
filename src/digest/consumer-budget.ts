// What one digest consumer invocation may do, counted rather than timed: D1 queries (Workers Paid
// allows 1,000 per invocation, Free 50) and provider calls, which are subrequests (Paid allows 10,000
// by default, Free 50). A chunk is started only while its preparation and delivery still fit; the rest
// of the batch is deferred to the next invocation, as for an outage (src/digest/consumer.ts).
import type { QueryCount } from "./query-count.ts";

/** D1 queries one consumer invocation may make: Paid's 1,000 less a margin. DIGEST_CONSUMER_QUERY_BUDGET lowers it (50 on Free). */
export const CONSUMER_QUERY_BUDGET = 900;

/**
 * Provider calls one consumer invocation may make: one per chunk, so a full batch (max_batch_size 100)
 * fits. DIGEST_CONSUMER_CALL_BUDGET lowers it (Free allows 50 subrequests per invocation).
 */
export const CONSUMER_CALL_BUDGET = 100;

/**
 * The most D1 queries one chunk costs, from its preparation to the ledger's record of the answer (13 on
 * average on a first attempt, the provider's shared state included; a retry or a give-up adds a few).
 * A chunk that costs more shows in tests/digest-consumer-budget.providers.test.ts, which counts them.
 */
export const QUERIES_PER_CHUNK = 20;

/** What the end of an invocation may still need: deferring the rest of the batch, re-reading the provider's state. */
export const CLOSING_QUERIES = 5;

export class InvocationBudget {
  readonly #count: QueryCount;
  readonly #queries: number;
  readonly #calls: number;
  #started = 0;

  constructor(count: QueryCount, queries: number, calls: number) {
    this.#count = count;
    this.#queries = queries;
    this.#calls = calls;
  }

  /**
   * May another chunk start? `overlapping`: another chunk is still being sent meanwhile, whose queries
   * are not all counted yet. The first chunk of an invocation always may, so every invocation progresses.
   */
  mayStartChunk(overlapping: boolean): boolean {
    if (this.#started === 0) return true;
    if (this.#started >= this.#calls) return false;
    const ahead = (overlapping ? 2 : 1) * QUERIES_PER_CHUNK + CLOSING_QUERIES;
    return this.#count.queries + ahead <= this.#queries;
  }

  /** A chunk started: it makes at most one provider call. */
  chunkStarted(): void {
    this.#started++;
  }

  get reason(): string {
    return this.#started >= this.#calls
      ? `the invocation's budget of ${this.#calls} provider calls is spent`
      : `the invocation's budget of ${this.#queries} D1 queries is near`;
  }
}
