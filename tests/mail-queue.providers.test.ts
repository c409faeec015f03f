// The mail queue's consumer in simulated time: capped backoff through a long outage, each mail sent
// once under its idempotency key, and a mail given up recorded. (The real queue: mail-outage test.)
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { siteInfoOf } from "../src/content/briefing-index.ts";
import { confirmationMail } from "../src/mail/messages.ts";
import { handleMailQueue, MAIL_DEAD_LETTER_QUEUE, MAIL_QUEUE, type MailMessage } from "../src/mail/queue.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";
import { mockFaults, mockState } from "./support/resend-control.ts";

afterEach(async () => {
  vi.restoreAllMocks();
  await mockFaults({});
});

const emailsTo = async (to: string) => (await mockState()).emails.filter((e) => e.to.includes(to));

describe("the consumer, in simulated time", () => {
  async function queuedConfirmation(marker: string): Promise<MailMessage> {
    const email = `${marker}@example.org`;
    const now = new Date().toISOString();
    const { id } = (await env.DB.prepare(
      `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
         consent_at, consent_source, consent_text_version)
       VALUES (?1, ?1, 'pending', 'daily', '[]', 'nonce-outage-1', ?2, ?2, ?2, 'api', 'test') RETURNING id`,
    )
      .bind(email, now)
      .first<{ id: number }>())!;
    const content = siteInfoOf(compile(SEED_FILE));
    const mail = await confirmationMail(
      { content, base: "http://localhost:8787", from: content.site.mailFrom },
      email,
      "http://localhost:8787/confirm/x",
      "daily",
    );
    const message: MailMessage = {
      kind: "confirmation",
      key: `confirm-${id}-${marker}`,
      subscriberId: id,
      nonce: "nonce-outage-1",
      mail,
    };
    await env.DB.prepare(
      "INSERT INTO mail_log (idempotency_key, kind, subscriber_id, status, created_at, updated_at) VALUES (?1, 'confirmation', ?2, 'queued', ?3, ?3)",
    )
      .bind(message.key, id, now)
      .run();
    return message;
  }

  /** One delivery of the message, and the retry delay it asked for (getQueueResult does not report it). */
  async function attempt(queue: string, message: MailMessage, attempts: number, at = new Date()) {
    const batch = createMessageBatch<MailMessage>(queue, [
      { id: `m${attempts}`, timestamp: new Date(), attempts, body: message },
    ]);
    const retry = vi.spyOn(batch.messages[0]!, "retry");
    await handleMailQueue(batch, { ...env, MAIL_BACKOFF_SECONDS: "30" }, () => at);
    const result = await getQueueResult(batch, createExecutionContext());
    return { ...result, delaySeconds: retry.mock.calls[0]?.[0]?.delaySeconds };
  }

  it("keeps retrying through a 2-hour outage with capped backoff, inside the queue's 100 retries, then sends once", async () => {
    const marker = `long-outage-${Date.now().toString(36)}`;
    const message = await queuedConfirmation(marker);
    await mockFaults({ outageFor: marker });
    // The clock moves by each retry's delay, as the queue's would. After the second failure the
    // provider counts as down (provider_state): the tries after that are its probes.
    const start = Date.now();
    let waited = 0;
    let attempts = 0;
    while (waited < 2 * 3600) {
      attempts++;
      const result = await attempt(MAIL_QUEUE, message, attempts, new Date(start + waited * 1000));
      expect(result.explicitAcks).toEqual([]);
      expect(result.retryMessages.map((m) => m.msgId)).toEqual([`m${attempts}`]);
      const delay = result.delaySeconds ?? 0;
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(800);
      waited += delay;
    }
    expect(attempts).toBeLessThan(30);
    expect(await emailsTo(message.mail.to)).toEqual([]);
    const calls = (await mockState()).calls.filter((c) => c.idempotencyKey === message.key).length;

    await mockFaults({});
    const back = new Date(start + waited * 1000);
    expect((await attempt(MAIL_QUEUE, message, attempts + 1, back)).explicitAcks).toEqual([`m${attempts + 1}`]);
    // The same message delivered again (the queue is at-least-once): nothing is sent twice.
    expect((await attempt(MAIL_QUEUE, message, attempts + 2, back)).explicitAcks).toEqual([`m${attempts + 2}`]);
    const sent = await emailsTo(message.mail.to);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.idempotencyKey).toBe(message.key);
    expect(
      await env.DB.prepare("SELECT status, attempts FROM mail_log WHERE idempotency_key = ?1")
        .bind(message.key)
        .first(),
    ).toEqual({ status: "sent", attempts: calls + 1 });
  });

  /**
   * The mail queue as the platform runs it, in simulated time: a retried message comes back with one
   * more attempt, and past max_retries (100) it is dead-lettered; a message the consumer sends is new.
   */
  async function simulateQueue(first: MailMessage, o: { until: (n: number) => Promise<boolean>; at: () => Date }) {
    const held: { body: MailMessage; attempts: number }[] = [{ body: first, attempts: 1 }];
    let deliveries = 0;
    let fresh = 0;
    const deadLettered: MailMessage[] = [];
    while (held.length > 0 && !(await o.until(deliveries))) {
      const { body, attempts } = held.shift()!;
      const sent: MailMessage[] = [];
      const queue = { send: async (m: MailMessage) => void sent.push(m) } as unknown as Queue<MailMessage>;
      const batch = createMessageBatch<MailMessage>(MAIL_QUEUE, [
        { id: `m${deliveries}`, timestamp: new Date(), attempts, body },
      ]);
      const retry = vi.spyOn(batch.messages[0]!, "retry");
      await handleMailQueue(batch, { ...env, MAIL_QUEUE: queue, MAIL_BACKOFF_SECONDS: "30" }, o.at);
      deliveries++;
      fresh += sent.length;
      held.push(...sent.map((m) => ({ body: m, attempts: 1 })));
      if (retry.mock.calls.length > 0) {
        if (attempts >= 101) deadLettered.push(body);
        else held.push({ body, attempts: attempts + 1 });
      }
    }
    return { deliveries, fresh, deadLettered };
  }

  it("a confirmation outlives more than 100 rate-limited tries (a long rate limit), then is sent once", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const message = await queuedConfirmation(`limited-${Date.now().toString(36)}`);
    await mockFaults({ outage: "rateLimited", outageRetryAfter: 1 });
    const run = await simulateQueue(message, {
      at: () => new Date(),
      until: async (n) => {
        if (n === 150) await mockFaults({});
        return (await emailsTo(message.mail.to)).length > 0;
      },
    });
    expect(run.deadLettered).toEqual([]);
    expect(run.fresh).toBeGreaterThanOrEqual(1);
    const sent = await emailsTo(message.mail.to);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.idempotencyKey).toBe(message.key);
    // The reader waited, and the digest was asked to leave room for the mail meanwhile.
    const waiting = await env.DB.prepare(
      "SELECT transactional_until FROM provider_state WHERE provider = 'resend'",
    ).first<string>("transactional_until");
    expect(waiting).not.toBeNull();
  }, 180_000);

  it("gives a transactional mail up 23 h after it was queued, recorded and logged, never sent", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "log").mockImplementation(() => {});
    const message = await queuedConfirmation(`day-old-${Date.now().toString(36)}`);
    await mockFaults({ outage: "rateLimited", outageRetryAfter: 1 });
    const later = new Date(Date.now() + 23 * 3_600_000 + 60_000);
    const run = await simulateQueue(message, { at: () => later, until: async (n) => n >= 3 });
    expect(run.deliveries).toBe(1);
    expect(
      await env.DB.prepare("SELECT status, last_error FROM mail_log WHERE idempotency_key = ?1")
        .bind(message.key)
        .first(),
    ).toEqual({ status: "failed", last_error: expect.stringContaining("23 h") });
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("mail-given-up"));
    expect(await emailsTo(message.mail.to)).toEqual([]);
  });

  /** The provider's shared state, as the digest left it (src/mail/provider-state.ts). */
  async function setProviderState(columns: Record<string, string | number | null>) {
    await env.DB.prepare("DELETE FROM provider_state").run();
    const names = Object.keys(columns);
    await env.DB.prepare(
      `INSERT INTO provider_state (provider, updated_at, ${names.join(", ")})
       VALUES ('resend', ?1, ${names.map((_, i) => `?${i + 2}`).join(", ")})`,
    )
      .bind(new Date().toISOString(), ...Object.values(columns))
      .run();
  }
  const callsWith = async (key: string) => (await mockState()).calls.filter((c) => c.idempotencyKey === key).length;

  it("waits without a call while the provider is down, until the next probe; then probes, sends once and marks it up", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    vi.spyOn(console, "error").mockImplementation(() => {});
    const message = await queuedConfirmation(`circuit-${Date.now().toString(36)}`);
    const probeAt = new Date(Date.now() + 120_000);
    await setProviderState({
      failures: 2,
      down_since: new Date(Date.now() - 60_000).toISOString(),
      probe_at: probeAt.toISOString(),
      last_error: "503 from the provider",
    });
    const waiting = await attempt(MAIL_QUEUE, message, 1);
    expect(waiting.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
    expect(waiting.delaySeconds).toBeGreaterThanOrEqual(110);
    expect(waiting.delaySeconds).toBeLessThanOrEqual(121);
    expect(await callsWith(message.key)).toBe(0);

    // The probe time has come: this mail is the probe, and its success reopens the way for everyone.
    await env.DB.prepare("UPDATE provider_state SET probe_at = ?1")
      .bind(new Date(Date.now() - 1000).toISOString())
      .run();
    const probe = await attempt(MAIL_QUEUE, message, 2);
    expect(probe.explicitAcks).toEqual(["m2"]);
    expect(await emailsTo(message.mail.to)).toHaveLength(1);
    expect(
      await env.DB.prepare("SELECT failures, down_since FROM provider_state WHERE provider = 'resend'").first(),
    ).toEqual({ failures: 0, down_since: null });
  });

  it("waits without a call while the provider's quota is spent, until it resets", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const message = await queuedConfirmation(`paused-${Date.now().toString(36)}`);
    const reset = new Date(Date.now() + 3 * 3_600_000);
    await setProviderState({ paused_until: reset.toISOString(), pause_reason: "daily_quota_exceeded" });
    const waiting = await attempt(MAIL_QUEUE, message, 1);
    expect(waiting.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
    expect(waiting.delaySeconds).toBeGreaterThanOrEqual(3 * 3600 - 10);
    expect(waiting.delaySeconds).toBeLessThanOrEqual(3 * 3600 + 1);
    expect(await callsWith(message.key)).toBe(0);
    expect(
      await env.DB.prepare("SELECT status, attempts FROM mail_log WHERE idempotency_key = ?1")
        .bind(message.key)
        .first(),
    ).toEqual({ status: "queued", attempts: 0 });
    await env.DB.prepare("DELETE FROM provider_state").run();
  });

  it("records a mail the queue gave up on, with an event, and logs an error", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const message = await queuedConfirmation(`given-up-${Date.now().toString(36)}`);
    const result = await attempt(MAIL_DEAD_LETTER_QUEUE, message, 1);
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(
      await env.DB.prepare("SELECT status FROM mail_log WHERE idempotency_key = ?1").bind(message.key).first("status"),
    ).toBe("failed");
    const event = await env.DB.prepare("SELECT event, detail FROM subscriber_events WHERE subscriber_id = ?1")
      .bind(message.subscriberId)
      .first<{ event: string; detail: string }>();
    expect(event?.event).toBe("mail-failed");
    expect(JSON.parse(event!.detail)).toEqual({ kind: "confirmation", reason: "dead-lettered" });
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("mail-dead-lettered"));
  });
});
