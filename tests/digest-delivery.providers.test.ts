// Digest delivery through the resend SDK to the local Resend stand-in, over the real local Queue:
// batch sizes, idempotency keys, and the fault matrix — every recipient gets exactly one mail.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { DEAD_LETTER_QUEUE, handleQueue } from "../src/digest/consumer.ts";
import { digestDeps } from "../src/digest/deps.ts";
import { planStep, startEdition } from "../src/digest/edition.ts";
import type { DigestMessage } from "../src/digest/queue-messages.ts";
import { sendChunk } from "../src/digest/send.ts";
import type { MailTransport } from "../src/mail/transport.ts";
import { progress, runDigest, seedSubscribers, waitUntilDone } from "./support/digest.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";
import { editionOf, mockFaults, mockOptions, mockReset, mockState } from "./support/resend-control.ts";
import { eventFor, postEvent } from "./support/webhooks.ts";

let windows = 0;
/** A fresh edition each time: the seed briefing in a window no other test used. */
function freshWindow() {
  windows++;
  return { from: new Date(Date.UTC(2024, 9, 15, 0, windows)).toISOString(), to: "2024-10-17T07:00:00Z" };
}

async function mailsFor(edition: string) {
  return (await mockState()).emails.filter((e) => editionOf(e) === edition);
}

function expectExactlyOnce(mails: { to: string[] }[], recipients: string[]) {
  const to = mails.map((m) => m.to[0]).sort();
  expect(to).toEqual([...recipients].sort());
}

beforeEach(async () => {
  await mockReset();
  // Every test here mails the seed briefing to its own readers: the daily cadence forgets it had it.
  await env.DB.prepare("DELETE FROM edition_briefings WHERE cadence = 'daily'").run();
});

describe("delivery through Resend", () => {
  let readers: string[];

  it("sends 1,000 recipients exactly 1,000 mails in 10 batch calls", async () => {
    readers = await seedSubscribers({ prefix: "r-", count: 1000 });
    const run = await runDigest({ cadence: "daily", ...freshWindow() });
    expect(run.body).toMatchObject({ items: 1, recipients: 1000, batches: 10, started: true });
    const edition = run.body.edition as string;
    await waitUntilDone(edition);

    const state = await mockState();
    const batchCalls = state.calls.filter((c) => c.path === "/emails/batch");
    expect(batchCalls).toHaveLength(10);
    expect(batchCalls.every((c) => c.status === 200 && c.size === 100)).toBe(true);
    expect(new Set(batchCalls.map((c) => c.idempotencyKey))).toEqual(
      new Set(Array.from({ length: 10 }, (_, i) => `${edition}:${i}`)),
    );
    expectExactlyOnce(await mailsFor(edition), readers);
    expect(await progress(edition)).toMatchObject({ sent: 1000, failed: 0, pending: 0, skipped: 0 });
    // The ledger keeps the provider's id of every mail (webhooks find the edition by it).
    const ids = await env.DB.prepare("SELECT provider_id FROM deliveries WHERE edition_id = ?1")
      .bind(edition)
      .all<{ provider_id: string }>();
    expect(new Set(ids.results.map((r) => r.provider_id))).toEqual(new Set((await mailsFor(edition)).map((m) => m.id)));
  }, 30_000); // 1,000 mails through the real queue: more than the 5 s default on a busy shared machine

  it("holds under the fault matrix: 500s, lost responses, slow answers, a rate limit, the edition started twice", async () => {
    readers.push(...(await seedSubscribers({ prefix: "f-", count: 2000 })));
    await mockFaults({ error500: 0.1, lostResponse: 0.1, slowMs: 300, slowFraction: 0.1, seed: 7 });
    await mockOptions({ ratePerSecond: 8 });
    const window = freshWindow();
    const [a, b] = await Promise.all([
      runDigest({ cadence: "daily", ...window }),
      runDigest({ cadence: "daily", ...window }),
    ]);
    // Another sender on the same Resend team uses up the rate limit meanwhile, in bursts, from the
    // digest's first sent chunk until the digest has met a 429 (however busy the machine is).
    const neighbour = (async () => {
      const digestLimited = async () =>
        (await mockState()).calls.some((c) => c.status === 429 && c.path === "/emails/batch");
      while ((await progress(a.body.edition as string)).sent === 0) await new Promise((r) => setTimeout(r, 20));
      for (let burst = 0; burst < 100 && !(await digestLimited()); burst++) {
        await Promise.all(
          Array.from({ length: 10 }, () =>
            fetch(`${env.RESEND_MOCK_URL}/emails`, {
              method: "POST",
              headers: {
                Authorization: "Bearer re_neighbour",
                "User-Agent": "neighbour",
                "Content-Type": "application/json",
              },
              body: "{}",
            }),
          ),
        );
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    expect(a.body.edition).toBe(b.body.edition);
    expect([a.body.started, b.body.started].sort()).toEqual([false, true]);
    const edition = a.body.edition as string;
    const done = await waitUntilDone(edition, 60_000);
    await neighbour;
    expect(done).toMatchObject({ recipients: 3000, sent: 3000, failed: 0, pending: 0 });

    const state = await mockState();
    // The faults happened…
    expect(
      state.calls.some((c) => c.status === 500),
      "a 500",
    ).toBe(true);
    expect(
      state.calls.some((c) => c.status === 0),
      "a lost response",
    ).toBe(true);
    expect(
      state.calls.some((c) => c.status === 429 && c.path === "/emails/batch"),
      "a 429",
    ).toBe(true);
    // …and still every recipient got exactly one mail.
    expectExactlyOnce(await mailsFor(edition), readers);
  }, 90_000);
});

/** A queue that only records, so a test can step the digest by hand. */
function captureQueue() {
  const sent: DigestMessage[] = [];
  const queue = {
    send: async (body: DigestMessage) => void sent.push(body),
    sendBatch: async (messages: { body: DigestMessage }[]) => void sent.push(...messages.map((m) => m.body)),
  } as unknown as Queue<DigestMessage>;
  return { queue, sent };
}

async function planned(count: number, prefix: string) {
  // Only this test's subscribers are on the list.
  await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE status = 'confirmed'").run();
  const recipients = await seedSubscribers({ prefix, count });
  const { queue, sent } = captureQueue();
  const deps = { ...digestDeps(env, compile(SEED_FILE)), queue, planQueue: queue };
  const window = freshWindow();
  const summary = await startEdition(deps, "daily", new Date(window.to), new Date(window.from));
  await planStep(deps, summary.edition);
  const chunks = sent.filter((m): m is Extract<DigestMessage, { kind: "send" }> => m.kind === "send");
  return { deps, edition: summary.edition, recipients, chunks };
}

describe("the ledger at the edges", () => {
  it("a crash between the provider call and the ledger write sends nothing twice", async () => {
    const { deps, edition, recipients, chunks } = await planned(150, "crash-");
    expect(chunks).toHaveLength(2);
    const crashing: MailTransport = {
      name: "resend",
      async send(batch, key) {
        await deps.transport.send(batch, key);
        throw new Error("the isolate died here");
      },
    };
    await expect(sendChunk({ ...deps, transport: crashing }, edition, 0)).rejects.toThrow("the isolate died here");
    // The queue redelivers the message; the retry carries the same key and payload.
    for (const c of chunks) expect(await sendChunk(deps, edition, c.chunk)).toEqual({ done: true });
    // And a late duplicate of a settled chunk does nothing.
    expect(await sendChunk(deps, edition, 0)).toEqual({ done: true });

    const state = await mockState();
    expectExactlyOnce(await mailsFor(edition), recipients);
    const keys = state.calls.map((c) => c.idempotencyKey);
    expect(keys).toEqual([`${edition}:0`, `${edition}:0`, `${edition}:1`]);
    expect(await progress(edition)).toMatchObject({ sent: 150, pending: 0, failed: 0 });
  });

  it("skips recipients who unsubscribed or were suppressed after planning", async () => {
    const { deps, edition, recipients, chunks } = await planned(5, "late-");
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE email = ?1").bind(recipients[1]).run();
    await env.DB.prepare("UPDATE subscribers SET status = 'bounced' WHERE email = ?1").bind(recipients[3]).run();
    for (const c of chunks) await sendChunk(deps, edition, c.chunk);
    expectExactlyOnce(await mailsFor(edition), [recipients[0]!, recipients[2]!, recipients[4]!]);
    expect(await progress(edition)).toMatchObject({ sent: 3, skipped: 2, pending: 0 });
  });

  it("records a chunk the provider refuses as failed, with the reason, and does not retry it", async () => {
    const { deps, edition, chunks } = await planned(3, "refused-");
    const refusing: MailTransport = {
      name: "resend",
      send: async () => ({ ok: false, retry: false, kind: "rejected", message: "validation_error: invalid from" }),
    };
    expect(await sendChunk({ ...deps, transport: refusing }, edition, chunks[0]!.chunk)).toEqual({ done: true });
    const p = await progress(edition);
    expect(p).toMatchObject({ failed: 3, sent: 0, pending: 0, status: "done" });
    expect(p.errors[0]?.error).toContain("validation_error");
  });

  it("a refused chunk counts the readers who had left as skipped, not failed, on the edition's page", async () => {
    const { deps, edition, recipients, chunks } = await planned(5, "left-refused-");
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE email = ?1").bind(recipients[0]).run();
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE email = ?1").bind(recipients[4]).run();
    const refusing: MailTransport = {
      name: "resend",
      send: async () => ({ ok: false, retry: false, kind: "rejected", message: "validation_error: invalid from" }),
    };
    await sendChunk({ ...deps, transport: refusing }, edition, chunks[0]!.chunk);
    expect(await progress(edition)).toMatchObject({ failed: 3, skipped: 2, sent: 0, pending: 0, status: "done" });
  });

  it("sends a chunk that reached the dead-letter queue inside its 23 h window: back on the queue, not failed", async () => {
    const { edition, recipients, chunks } = await planned(4, "dead-");
    const batch = createMessageBatch<DigestMessage>(DEAD_LETTER_QUEUE, [
      { id: "m1", timestamp: new Date(), attempts: 11, body: chunks[0]! },
    ]);
    const ctx = createExecutionContext();
    await handleQueue(batch, env, compile(SEED_FILE));
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(await waitUntilDone(edition)).toMatchObject({ sent: 4, failed: 0, pending: 0 });
    expectExactlyOnce(await mailsFor(edition), recipients);
  });

  it("records a dead-lettered chunk past its 23 h window as failed, with the reason, and says so in the log", async () => {
    const { edition, chunks } = await planned(4, "expired-");
    // A call 24 h ago that the provider may have accepted started the chunk's clock (key_used_at).
    await env.DB.prepare("UPDATE edition_chunks SET first_attempt_at = ?2, key_used_at = ?2 WHERE edition_id = ?1")
      .bind(edition, new Date(Date.now() - 24 * 3_600_000).toISOString())
      .run();
    const errors: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    const batch = createMessageBatch<DigestMessage>(DEAD_LETTER_QUEUE, [
      { id: "m2", timestamp: new Date(), attempts: 11, body: chunks[0]! },
    ]);
    await handleQueue(batch, env, compile(SEED_FILE));
    spy.mockRestore();
    const p = await progress(edition);
    expect(p).toMatchObject({ failed: 4, pending: 0, status: "done" });
    expect(p.errors[0]?.error).toContain("23 h after the first attempt");
    expect(errors.some((e) => e.includes("digest-chunk-given-up"))).toBe(true);
    expect((await mockState()).emails.filter((e) => editionOf(e) === edition)).toHaveLength(0);
  });

  it("asks for a retry after the provider's reset time on 429", async () => {
    const { deps, edition, chunks } = await planned(2, "limited-");
    const limited: MailTransport = {
      name: "resend",
      send: async () => ({
        ok: false,
        retry: true,
        kind: "rate_limited",
        retryAfterSeconds: 3,
        message: "rate_limit_exceeded",
      }),
    };
    // A 429 is not the provider failing: it does not hold back the other chunks.
    expect(await sendChunk({ ...deps, transport: limited }, edition, chunks[0]!.chunk)).toEqual({
      done: false,
      retryAfterSeconds: 3,
    });
    expect((await progress(edition)).pending).toBe(2);
  });
});

describe("identical bytes on every attempt", () => {
  /** Sends through the stand-in, which does the work, but the answer never arrives. */
  const answerLost = (deps: { transport: MailTransport }): MailTransport => ({
    name: "resend",
    async send(batch, key) {
      await deps.transport.send(batch, key);
      return { ok: false, retry: true, kind: "unavailable", retryAfterSeconds: 0, message: "fetch failed" };
    },
  });

  it("a retry after a deploy (sender, base URL, signing key) and a re-subscribe in capitals sends the first bytes", async () => {
    const { deps, edition, recipients } = await planned(3, "frozen-");
    expect((await sendChunk({ ...deps, transport: answerLost(deps) }, edition, 0)).done).toBe(false);
    await env.DB.prepare("UPDATE subscribers SET email = ?2 WHERE email = ?1")
      .bind(recipients[0], recipients[0]!.toUpperCase())
      .run();
    const redeployed = {
      ...deps,
      from: "Other Sender <other@example.net>",
      base: "https://other.example.net",
      signingKey: "a-rotated-signing-key",
    };
    expect(await sendChunk(redeployed, edition, 0)).toEqual({ done: true });

    const state = await mockState();
    // The retry matched the first call byte for byte: the provider answered from its idempotency store.
    expect(state.calls.filter((c) => c.idempotencyKey === `${edition}:0`).map((c) => c.status)).toEqual([200, 200]);
    expectExactlyOnce(await mailsFor(edition), recipients);
    expect(await progress(edition)).toMatchObject({ sent: 3, failed: 0, unconfirmed: 0, pending: 0 });
  });

  it("a duplicate send message in the same batch calls the provider once", async () => {
    const { edition, recipients, chunks } = await planned(2, "twice-");
    const batch = createMessageBatch<DigestMessage>("briefwire-digest", [
      { id: "d1", timestamp: new Date(), attempts: 1, body: chunks[0]! },
      { id: "d2", timestamp: new Date(), attempts: 1, body: chunks[0]! },
    ]);
    const ctx = createExecutionContext();
    await handleQueue(batch, env, compile(SEED_FILE));
    expect((await getQueueResult(batch, ctx)).explicitAcks.sort()).toEqual(["d1", "d2"]);
    expect((await mockState()).calls.filter((c) => c.idempotencyKey === `${edition}:0`)).toHaveLength(1);
    expectExactlyOnce(await mailsFor(edition), recipients);
  });

  it("a 409 invalid_idempotent_request is an error in the log and `unconfirmed`, never `failed`", async () => {
    const { deps, edition } = await planned(3, "conflict-");
    expect((await sendChunk({ ...deps, transport: answerLost(deps) }, edition, 0)).done).toBe(false);
    // Something the freeze does not cover changes the bytes (here: the stored rendering itself).
    await env.DB.prepare("UPDATE edition_variants SET html = html || '<!-- changed -->' WHERE edition_id = ?1")
      .bind(edition)
      .run();
    const errors: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    expect(await sendChunk(deps, edition, 0)).toEqual({ done: true });
    spy.mockRestore();
    expect((await mockState()).calls.map((c) => c.status)).toEqual([200, 409]);
    expect(errors.some((e) => e.includes("digest-chunk-unconfirmed") && e.includes("invalid_idempotent_request"))).toBe(
      true,
    );
    expect(await progress(edition)).toMatchObject({ status: "done", unconfirmed: 3, failed: 0, sent: 0, pending: 0 });
  });
});

describe("the ledger tells the truth", () => {
  it("a chunk given up behind a lost answer is reconciled from the webhooks; the admin view shows every outcome", async () => {
    const { deps, edition, recipients } = await planned(4, "reconcile-");
    const lost: MailTransport = {
      name: "resend",
      async send(batch, key) {
        await deps.transport.send(batch, key);
        return { ok: false, retry: true, kind: "unavailable", retryAfterSeconds: 0, message: "fetch failed" };
      },
    };
    expect((await sendChunk({ ...deps, transport: lost }, edition, 0)).done).toBe(false);
    // The provider is unreachable until the chunk's window closes: 23 h later it is given up.
    const later = { ...deps, now: () => new Date(Date.now() + 24 * 3_600_000) };
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await sendChunk(later, edition, 0)).toEqual({ done: true });
    vi.restoreAllMocks();
    expect(await progress(edition)).toMatchObject({ status: "done", failed: 4, sent: 0 });

    // But the mails went out, and Resend says so.
    const mails = await mailsFor(edition);
    expectExactlyOnce(mails, recipients);
    for (const mail of mails) expect((await postEvent(eventFor("email.sent", mail))).body.handled).toBe("counted");
    const [a, b, c, d] = mails;
    for (const mail of [a!, b!, c!]) await postEvent(eventFor("email.delivered", mail));
    await postEvent(eventFor("email.bounced", d!, { bounce: { type: "Permanent", message: "no such user" } }));
    await postEvent(eventFor("email.complained", a!));

    expect(await progress(edition)).toMatchObject({
      status: "done",
      sent: 4,
      failed: 0,
      delivered: 3,
      bounced: 1,
      complained: 1,
      reconciled: 4,
    });
    const ids = await env.DB.prepare("SELECT provider_id FROM deliveries WHERE edition_id = ?1")
      .bind(edition)
      .all<{ provider_id: string }>();
    expect(new Set(ids.results.map((r) => r.provider_id))).toEqual(new Set(mails.map((m) => m.id)));
  });

  it("an unconfirmed chunk becomes sent when its mails are reported delivered", async () => {
    const { deps, edition, recipients } = await planned(2, "unconfirmed-");
    const conflict: MailTransport = {
      name: "resend",
      async send(batch, key) {
        await deps.transport.send(batch, key);
        return { ok: false, retry: false, kind: "conflict", message: "invalid_idempotent_request: payload differs" };
      },
    };
    vi.spyOn(console, "error").mockImplementation(() => {});
    await sendChunk({ ...deps, transport: conflict }, edition, 0);
    vi.restoreAllMocks();
    expect(await progress(edition)).toMatchObject({ unconfirmed: 2, sent: 0 });
    for (const mail of await mailsFor(edition)) await postEvent(eventFor("email.delivered", mail));
    expect(await progress(edition)).toMatchObject({ unconfirmed: 0, sent: 2, delivered: 2, reconciled: 2 });
    expectExactlyOnce(await mailsFor(edition), recipients);
  });
});
