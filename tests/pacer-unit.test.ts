// The digest's pacer against simulated providers that count their limit in different ways (a sliding
// one-second window, fixed one-second windows, a token bucket): time is simulated, nothing sleeps.
import { describe, expect, it } from "vitest";
import { Pacer } from "../src/digest/pacer.ts";
import { classifyError, rateInfo } from "../src/mail/resend.ts";
import { mulberry32 } from "./support/prng.ts";
import { createLimiter, type RateWindow } from "./support/rate-windows.ts";

interface Scenario {
  window: RateWindow;
  /** Requests per second the provider allows (and reports in ratelimit-limit). */
  limit: number;
  /** Batch calls to deliver (one chunk each). */
  chunks: number;
  /** Simulated clock at the start, in ms: where the first call falls against the provider's whole seconds. */
  startAt?: number;
  /** Time from the start of call n to the provider counting it. */
  requestMs?: (n: number) => number;
  /** Time from the provider counting call n to the sender holding the answer. */
  answerMs?: (n: number) => number;
  /** Calls whose answer is lost after the provider counted (and delivered) them; the chunk is sent again. */
  lostAnswer?: (n: number) => boolean;
  /** Another sender on the same account: the times (ms) at which it makes a call. */
  neighbourAt?: number[];
}

/**
 * Sends the chunks one after another as the digest consumer does (wait, call, then update or block),
 * against a provider with the given window, on a simulated clock.
 */
async function simulate(s: Scenario) {
  let now = s.startAt ?? 0;
  const pacer = new Pacer({
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  const provider = createLimiter(s.window, s.limit);
  const neighbour = [...(s.neighbourAt ?? [])];
  const advance = (ms: number) => {
    const until = now + ms;
    // The neighbour's calls are counted at their own times, in order with ours.
    while (neighbour.length > 0 && neighbour[0]! <= until) provider.take(neighbour.shift()!);
    now = until;
  };
  const accepted: number[] = [];
  let refused = 0;
  let n = 0;
  for (let chunk = 0; chunk < s.chunks; chunk++) {
    for (;;) {
      await pacer.wait();
      advance(0);
      const startedAt = now;
      advance(s.requestMs?.(n) ?? 10);
      const ok = provider.take(now);
      const headers = provider.headers(now, !ok);
      advance(s.answerMs?.(n) ?? 20);
      const lost = ok && (s.lostAnswer?.(n) ?? false);
      n++;
      if (ok) accepted.push(startedAt);
      if (ok && !lost) {
        pacer.update(startedAt, rateInfo(headers));
        break;
      }
      if (!ok) {
        refused++;
        const outcome = classifyError({ name: "rate_limit_exceeded", statusCode: 429 }, headers);
        if (outcome.ok || !outcome.retry || outcome.kind === "quota") throw new Error("a 429 must be retried");
        pacer.block(outcome.retryAfterSeconds);
      }
    }
  }
  const seconds = (accepted.at(-1)! - accepted[0]!) / 1000;
  return { accepted: accepted.length, refused, ratioToLimit: (accepted.length - 1) / seconds / s.limit, seconds };
}

describe("the pacer reaches the provider's limit without a 429", () => {
  it("against a sliding one-second window (5 calls/s, 5,000 recipients in 50 calls)", async () => {
    const run = await simulate({ window: "sliding", limit: 5, chunks: 50 });
    expect(run.refused).toBe(0);
    expect(run.ratioToLimit).toBeGreaterThanOrEqual(0.95);
  });

  it.each([0, 250, 500, 990])(
    "against fixed windows that reset at whole seconds (first call %i ms into a second)",
    async (offset) => {
      const run = await simulate({ window: "fixed", limit: 5, chunks: 50, startAt: 10_000 + offset });
      expect(run.refused).toBe(0);
      expect(run.ratioToLimit).toBeGreaterThanOrEqual(0.95);
    },
  );

  it("against a token bucket that holds one second of calls", async () => {
    const run = await simulate({ window: "bucket", limit: 5, chunks: 50 });
    expect(run.refused).toBe(0);
    expect(run.ratioToLimit).toBeGreaterThanOrEqual(0.95);
  });

  it.each<[RateWindow, number]>([
    ["sliding", 2],
    ["sliding", 10],
    ["fixed", 2],
    ["fixed", 10],
  ])("at other limits too (%s window, %i calls/s, 200 calls)", async (window, limit) => {
    const run = await simulate({ window, limit, chunks: 200, startAt: 3_700 });
    expect(run.refused).toBe(0);
    expect(run.ratioToLimit).toBeGreaterThanOrEqual(0.95);
  });
});

describe("the pacer stays under the limit whatever the network does", () => {
  it.each<RateWindow>(["sliding", "fixed", "bucket"])(
    "with calls that take from 0 to 300 ms either way (%s window)",
    async (window) => {
      const dice = mulberry32(7);
      const run = await simulate({
        window,
        limit: 5,
        chunks: 200,
        startAt: 123,
        requestMs: () => dice() * 300,
        answerMs: () => dice() * 300,
      });
      expect(run.accepted).toBe(200);
      expect(run.refused).toBe(0);
    },
  );

  it.each<RateWindow>(["sliding", "fixed"])(
    "when answers are lost after the provider counted the call (%s window)",
    async (window) => {
      const run = await simulate({ window, limit: 5, chunks: 100, lostAnswer: (n) => n % 3 === 1 });
      expect(run.refused).toBe(0);
    },
  );
});

describe("the pacer shares the limit with another sender", () => {
  it.each<RateWindow>(["sliding", "fixed"])(
    "delivers everything, waiting out each 429's retry-after, while a neighbour uses 2 of 5 calls a second (%s window)",
    async (window) => {
      const neighbourAt = Array.from({ length: 200 }, (_, k) => 250 + k * 500);
      const run = await simulate({ window, limit: 5, chunks: 100, neighbourAt });
      expect(run.accepted).toBe(100);
      // Each 429 says retry-after: 1, so the pacer cannot meet more than one a second.
      expect(run.refused).toBeLessThanOrEqual(Math.ceil(run.seconds));
    },
  );
});

describe("what the pacer reads in the rate-limit headers", () => {
  function fakeClock(start = 0) {
    const clock = {
      at: start,
      now: () => clock.at,
      sleep: async (ms: number) => {
        clock.at += ms;
      },
    };
    return clock;
  }

  it("after its own calls fill the window, waits for the first of them to leave it, not a whole reset", async () => {
    const clock = fakeClock();
    const pacer = new Pacer(clock);
    for (let i = 0; i < 5; i++) {
      await pacer.wait();
      const startedAt = clock.at;
      clock.at += 10;
      pacer.update(startedAt, { limit: 5, remaining: 4 - i, resetSeconds: 1 });
    }
    const lastAnswer = clock.at;
    await pacer.wait();
    // The first call was answered at 10 ms: its slot is free a second later, well before lastAnswer + 1 s.
    expect(clock.at).toBeLessThan(lastAnswer + 1000);
    expect(clock.at).toBeGreaterThanOrEqual(1010);
  });

  it("when the window is full of calls that are not its own (another sender), waits as the provider says", async () => {
    const clock = fakeClock();
    const pacer = new Pacer(clock);
    await pacer.wait();
    clock.at += 10;
    pacer.update(0, { limit: 5, remaining: 0, resetSeconds: 2 });
    await pacer.wait();
    expect(clock.at).toBeGreaterThanOrEqual(10 + 2000);
  });

  it("after a 429, waits the retry-after it was given", async () => {
    const clock = fakeClock();
    const pacer = new Pacer(clock);
    await pacer.wait();
    clock.at += 10;
    pacer.block(3);
    await pacer.wait();
    expect(clock.at).toBeGreaterThanOrEqual(3010);
  });
});

describe("room for transactional mail beside the digest", () => {
  /**
   * The digest sends 100 chunks back to back against a provider allowing 5 calls a second (sliding
   * window); a confirmation mail tries every 500 ms from 2 s in. With `reserve`, the digest is asked to
   * leave it room as the mail queue does after the mail's first 429. Returns when the mail got through.
   */
  async function confirmationDuringSend(reserve: boolean) {
    let now = 0;
    const pacer = new Pacer({
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    const provider = createLimiter("sliding", 5);
    let nextTry = 2000;
    let sentAt: number | undefined;
    const confirmationTries = (until: number) => {
      while (sentAt === undefined && nextTry <= until) {
        if (provider.take(nextTry)) sentAt = nextTry;
        else if (reserve) pacer.reserve(nextTry + 60_000);
        nextTry += 500;
      }
    };
    for (let chunk = 0; chunk < 100; chunk++) {
      for (;;) {
        await pacer.wait();
        confirmationTries(now);
        const startedAt = now;
        now += 30;
        const ok = provider.take(now);
        const headers = provider.headers(now, !ok);
        now += 20;
        if (ok) {
          pacer.update(startedAt, rateInfo(headers));
          break;
        }
        pacer.block(Number(headers["retry-after"] ?? 1));
      }
    }
    return { sentAt, digestSeconds: now / 1000 };
  }

  it("while a confirmation waits, the digest leaves it a call per second: it goes out within a minute, at a bounded cost", async () => {
    const greedy = await confirmationDuringSend(false);
    const shared = await confirmationDuringSend(true);
    expect(shared.sentAt).toBeDefined();
    expect(shared.sentAt! - 2000).toBeLessThanOrEqual(60_000);
    // Sent while the digest is still sending, not after it.
    expect(shared.sentAt!).toBeLessThan(shared.digestSeconds * 1000 - 1000);
    // Room for one call a second out of five costs the digest at most a quarter of its pace meanwhile.
    expect(shared.digestSeconds).toBeLessThanOrEqual(greedy.digestSeconds * 1.25);
  });
});
