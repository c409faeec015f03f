// The digest's queues and cron on simulated time, with Cloudflare Queues' limits: the real consumer
// (consumeBatch) and sweeper run against real local D1 and the Resend stand-in, while hours of
// retries, delays and 15-minute sweeps pass in moments. The platform's rules are kept as documented:
// batch sizes, max_retries then the dead-letter queue (or deletion without one), delays of at most
// 12 h, retention of 24 h (Free). Tests can also lose messages, as a crash or the platform would.
import { consumeBatch, DEAD_LETTER_QUEUE } from "../../src/digest/consumer.ts";
import type { CallPacer, DigestDeps } from "../../src/digest/deps.ts";
import type { DigestMessage } from "../../src/digest/queue-messages.ts";
import { resumeStalled, STALL_MS } from "../../src/digest/sweeper.ts";

const MAX_DELAY_SECONDS = 12 * 3600;
const RETENTION_MS = 24 * 3_600_000;

interface Held {
  id: string;
  body: DigestMessage;
  dueAt: number;
  sentAt: number;
  attempts: number;
}

export class SimulatedQueue {
  held: Held[] = [];
  /** The next `lose` messages sent to this queue vanish (a crash before the send, a platform loss). */
  lose = 0;
  /** Messages deleted after max_retries with no dead-letter queue, or past retention. */
  dropped: DigestMessage[] = [];
  readonly name: string;
  readonly #sim: SimulatedPlatform;
  readonly maxBatch: number;
  readonly maxRetries: number;
  readonly deadLetter: SimulatedQueue | undefined;

  constructor(
    sim: SimulatedPlatform,
    name: string,
    o: { maxBatch: number; maxRetries: number; deadLetter?: SimulatedQueue },
  ) {
    this.#sim = sim;
    this.name = name;
    this.maxBatch = o.maxBatch;
    this.maxRetries = o.maxRetries;
    this.deadLetter = o.deadLetter;
  }

  async send(body: DigestMessage, options?: { delaySeconds?: number }): Promise<void> {
    if (this.lose > 0) {
      this.lose--;
      return;
    }
    const delay = options?.delaySeconds ?? 0;
    if (delay > MAX_DELAY_SECONDS) throw new Error(`queue delay ${delay} s is over the platform's 12 h`);
    const now = this.#sim.now;
    this.held.push({ id: `m${++this.#sim.ids}`, body, dueAt: now + delay * 1000, sentAt: now, attempts: 1 });
  }

  async sendBatch(messages: { body: DigestMessage; delaySeconds?: number }[], options?: { delaySeconds?: number }) {
    for (const m of messages) await this.send(m.body, { delaySeconds: m.delaySeconds ?? options?.delaySeconds });
  }

  /** Drops what outlived retention; returns when the next message is due. */
  nextDue(): number {
    const now = this.#sim.now;
    for (const m of this.held.filter((h) => now - h.sentAt > RETENTION_MS)) this.dropped.push(m.body);
    this.held = this.held.filter((h) => now - h.sentAt <= RETENTION_MS);
    return Math.min(Number.POSITIVE_INFINITY, ...this.held.map((h) => h.dueAt));
  }

  take(now: number): Held[] {
    const due = this.held
      .filter((h) => h.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, this.maxBatch);
    this.held = this.held.filter((h) => !due.includes(h));
    return due;
  }

  /** A retried message comes back after its delay; past max_retries it is dead-lettered or deleted. */
  settle(message: Held, outcome: "ack" | { delaySeconds: number }): void {
    if (outcome === "ack") return;
    if (outcome.delaySeconds > MAX_DELAY_SECONDS) throw new Error(`retry delay ${outcome.delaySeconds} s over 12 h`);
    if (message.attempts >= this.maxRetries + 1) {
      if (this.deadLetter) void this.deadLetter.send(message.body);
      else this.dropped.push(message.body);
      return;
    }
    this.held.push({ ...message, attempts: message.attempts + 1, dueAt: this.#sim.now + outcome.delaySeconds * 1000 });
  }
}

/**
 * Waiting on the provider's rate takes simulated time, not real time. With `callsPerSecond`, calls
 * (answered or failing) follow each other at that rate, as the real pacer keeps them to the provider's
 * limit: an edition's calls then take time, and retries come due at staggered moments, as they do.
 */
class SimulatedPacer implements CallPacer {
  #nextAt = 0;
  #lastCallAt = Number.NEGATIVE_INFINITY;
  readonly #sim: SimulatedPlatform;
  readonly #spacingMs: number;
  constructor(sim: SimulatedPlatform, callsPerSecond = 0) {
    this.#sim = sim;
    this.#spacingMs = callsPerSecond > 0 ? 1000 / callsPerSecond : 0;
  }
  async wait(): Promise<void> {
    const at = Math.max(this.#nextAt, this.#lastCallAt + this.#spacingMs);
    if (at > this.#sim.now) this.#sim.now = at;
    this.#lastCallAt = this.#sim.now;
  }
  update(): void {}
  block(seconds: number): void {
    this.#nextAt = Math.max(this.#nextAt, this.#sim.now + seconds * 1000);
  }
  readyIn(): number {
    return Math.max(0, this.#nextAt - this.#sim.now, this.#lastCallAt + this.#spacingMs - this.#sim.now);
  }
  reserve(): void {}
}

export class SimulatedPlatform {
  now: number;
  ids = 0;
  readonly dlq: SimulatedQueue;
  readonly digest: SimulatedQueue;
  readonly plan: SimulatedQueue;
  readonly pacer: CallPacer;
  /** 15-minute sweeps run so far. */
  sweeps = 0;
  /** Simulated wall time each consumer invocation took (the platform stops one at 15 minutes). */
  batchWallMs: number[] = [];

  /** `callsPerSecond`: the provider's rate the sender keeps to (default: calls take no time). */
  constructor(start: Date, o: { callsPerSecond?: number } = {}) {
    this.now = start.getTime();
    // As in wrangler.toml.
    this.dlq = new SimulatedQueue(this, DEAD_LETTER_QUEUE, { maxBatch: 10, maxRetries: 10 });
    this.digest = new SimulatedQueue(this, "briefwire-digest", {
      maxBatch: 100,
      maxRetries: 100,
      deadLetter: this.dlq,
    });
    this.plan = new SimulatedQueue(this, "briefwire-digest-plan", {
      maxBatch: 1,
      maxRetries: 10,
      deadLetter: this.dlq,
    });
    this.pacer = new SimulatedPacer(this, o.callsPerSecond);
  }

  /** Digest dependencies wired to these queues and this clock. */
  wire(deps: DigestDeps): DigestDeps {
    return {
      ...deps,
      queue: this.digest as unknown as Queue<DigestMessage>,
      planQueue: this.plan as unknown as Queue<DigestMessage>,
      pacer: this.pacer,
      now: () => new Date(this.now),
    };
  }

  /**
   * Runs queues and the 15-minute sweeper in simulated time until `done()` holds or `limitMs` of
   * simulated time has passed. `onTime` sees each moment first (to start or end an outage).
   * Each step delivers one batch of due messages to the real consumer, as the platform would.
   * `invocation` wraps each consumer and sweeper invocation (to count what one invocation costs).
   */
  async run(
    deps: DigestDeps,
    o: {
      done: () => Promise<boolean>;
      limitMs: number;
      onTime?: (now: number) => Promise<void>;
      invocation?: (name: string, work: () => Promise<void>) => Promise<void>;
    },
  ): Promise<void> {
    const invoke = o.invocation ?? ((_name, work) => work());
    const end = this.now + o.limitMs;
    let nextSweep = Math.ceil((this.now + 1) / STALL_MS) * STALL_MS;
    for (;;) {
      if (await o.done()) return;
      const queues = [this.dlq, this.plan, this.digest];
      const dues = queues.map((q) => q.nextDue());
      const first = Math.min(...dues);
      const at = Math.min(first, nextSweep);
      if (at > end) throw new Error(`not done after ${o.limitMs / 3_600_000} h of simulated time`);
      this.now = Math.max(this.now, at);
      await o.onTime?.(this.now);
      if (nextSweep <= first) {
        nextSweep += STALL_MS;
        this.sweeps++;
        await invoke("sweeper", async () => void (await resumeStalled(deps)));
        continue;
      }
      const queue = queues[dues.indexOf(first)] as SimulatedQueue;
      await invoke(queue.name, () => this.deliver(deps, queue, queue.take(this.now)));
    }
  }

  async deliver(deps: DigestDeps, queue: SimulatedQueue, held: Held[]): Promise<void> {
    const outcomes = new Map<string, "ack" | { delaySeconds: number }>();
    const messages = held.map((h) => ({
      id: h.id,
      timestamp: new Date(h.sentAt),
      body: h.body,
      attempts: h.attempts,
      ack: () => void outcomes.set(h.id, "ack"),
      retry: (options?: { delaySeconds?: number }) =>
        void outcomes.set(h.id, { delaySeconds: options?.delaySeconds ?? 0 }),
    }));
    const batch = {
      queue: queue.name,
      messages,
      ackAll: () => {
        for (const m of messages) m.ack();
      },
      retryAll: (options?: { delaySeconds?: number }) => {
        for (const m of messages) m.retry(options);
      },
    } as unknown as MessageBatch<DigestMessage>;
    const startedAt = this.now;
    try {
      await consumeBatch(deps, batch);
    } catch {
      // A consumer that throws: the platform retries every message not acknowledged.
      for (const m of messages) if (!outcomes.has(m.id)) m.retry();
    }
    this.batchWallMs.push(this.now - startedAt);
    // A message neither acknowledged nor retried counts as acknowledged when the consumer returns.
    for (const h of held) queue.settle(h, outcomes.get(h.id) ?? "ack");
  }
}
