// Outside local mode without RESEND_API_KEY, every path that would mail answers 503 with a clear reason
// and logs an error: nothing goes into the outbox and nothing is recorded as sent.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app.ts";
import { ConfigError, DEV_WEBHOOK_SECRET } from "../src/config.ts";
import { siteInfoOf } from "../src/content/briefing-index.ts";
import type { DigestMessage } from "../src/digest/queue-messages.ts";
import worker from "../src/index.ts";
import { createTransport } from "../src/mail/choose-transport.ts";
import { handleMailQueue, MAIL_QUEUE, type MailMessage } from "../src/mail/queue.ts";
import { signToken } from "../src/subscriptions/tokens.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";
import { signedEvent } from "./support/webhooks.ts";

const DEPLOYED = "https://briefings.example.org";
const deployed = {
  ...env,
  SITE_URL: DEPLOYED,
  SIGNING_SECRET: "deployed-signing-secret",
  ADMIN_TOKEN: "deployed-admin",
};
const app = createApp(siteInfoOf(compile(SEED_FILE)));
const request = (path: string, init: RequestInit) => app.request(`${DEPLOYED}${path}`, init, deployed);

const count = async (sql: string) => (await env.DB.prepare(sql).first<{ n: number }>())!.n;
const outboxSize = () => count("SELECT COUNT(*) AS n FROM outbox");

afterEach(() => vi.restoreAllMocks());

async function pendingSubscriber(email: string) {
  const now = new Date().toISOString();
  const { id } = (await env.DB.prepare(
    `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
       consent_at, consent_source, consent_text_version)
     VALUES (?1, ?1, 'pending', 'daily', '[]', 'nonce-fc', ?2, ?2, ?2, 'api', 'test') RETURNING id`,
  )
    .bind(email, now)
    .first<{ id: number }>())!;
  return id;
}

describe("no RESEND_API_KEY outside local mode", () => {
  it("the transport choice refuses instead of falling back to the outbox", () => {
    expect(() => createTransport(deployed)).toThrow(ConfigError);
    expect(() => createTransport(deployed)).toThrow(/RESEND_API_KEY/);
  });

  it("POST /subscribe answers 503 with the reason, logs an error, records and mails nothing", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const before = { outbox: await outboxSize(), subscribers: await count("SELECT COUNT(*) AS n FROM subscribers") };
    const json = await request("/subscribe", {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": "10.7.0.1" },
      body: JSON.stringify({ email: "nokey@example.org" }),
    });
    expect(json.status).toBe(503);
    expect(json.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
    expect(((await json.json()) as { detail: string }).detail).toMatch(/Mail delivery is not configured/);
    const form = await request("/subscribe", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: DEPLOYED,
        "CF-Connecting-IP": "10.7.0.2",
      },
      body: "email=nokey-form%40example.org",
    });
    expect(form.status).toBe(503);
    expect(await form.text()).toContain("Mail delivery is not configured");
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("RESEND_API_KEY is not set"));
    expect(await outboxSize()).toBe(before.outbox);
    expect(await count("SELECT COUNT(*) AS n FROM subscribers")).toBe(before.subscribers);
  });

  it("POST /confirm (which sends the welcome mail) answers 503 and confirms nobody; unsubscribing still works", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const id = await pendingSubscriber("nokey-confirm@example.org");
    const expires = Math.floor(Date.now() / 1000) + 3600;
    const token = await signToken(deployed.SIGNING_SECRET, {
      purpose: "confirm",
      subscriberId: id,
      nonce: "nonce-fc",
      expires,
    });
    const res = await request(`/confirm/${token}`, { method: "POST" });
    expect(res.status).toBe(503);
    expect(await env.DB.prepare("SELECT status FROM subscribers WHERE id = ?1").bind(id).first("status")).toBe(
      "pending",
    );

    const leave = await signToken(deployed.SIGNING_SECRET, {
      purpose: "unsubscribe",
      subscriberId: id,
      nonce: "leave-nonce",
      expires: 0,
    });
    expect(
      (await request(`/unsubscribe/${leave}`, { method: "POST", body: "List-Unsubscribe=One-Click" })).status,
    ).toBe(200);
  });

  it("the digest run answers 503 and starts no edition", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const editions = await count("SELECT COUNT(*) AS n FROM editions");
    const res = await request("/admin/digest/run", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer deployed-admin" },
      body: JSON.stringify({ cadence: "daily" }),
    });
    expect(res.status).toBe(503);
    expect(await count("SELECT COUNT(*) AS n FROM editions")).toBe(editions);
  });

  it("the digest's send consumer refuses with a logged error, so the queue keeps the chunk", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const before = await outboxSize();
    const batch = createMessageBatch<DigestMessage>("briefwire-digest", [
      { id: "d1", timestamp: new Date(), attempts: 1, body: { kind: "send", edition: "daily-x", chunk: 0 } },
    ]);
    await expect(worker.queue(batch, deployed)).rejects.toThrow(ConfigError);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('"config-error"'));
    expect(await outboxSize()).toBe(before);
  });

  it("a queued mail is kept for later, not written to the outbox or recorded sent", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const id = await pendingSubscriber("nokey-queued@example.org");
    const message: MailMessage = {
      kind: "confirmation",
      key: "confirm-fail-closed",
      subscriberId: id,
      nonce: "nonce-fc",
      mail: {
        from: "a@example.org",
        to: "nokey-queued@example.org",
        subject: "s",
        html: "<p>h</p>",
        text: "t",
        headers: {},
      },
    };
    await env.DB.prepare(
      "INSERT INTO mail_log (idempotency_key, kind, subscriber_id, status, created_at, updated_at) VALUES (?1, 'confirmation', ?2, 'queued', 'now', 'now')",
    )
      .bind(message.key, id)
      .run();
    const before = await outboxSize();
    const batch = createMessageBatch<MailMessage>(MAIL_QUEUE, [
      { id: "m1", timestamp: new Date(), attempts: 1, body: message },
    ]);
    const ctx = createExecutionContext();
    await handleMailQueue(batch, deployed);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
    expect(await outboxSize()).toBe(before);
    expect(
      await env.DB.prepare("SELECT status FROM mail_log WHERE idempotency_key = ?1").bind(message.key).first("status"),
    ).toBe("queued");
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("mail-not-configured"));
  });
});

describe("the development webhook secret", () => {
  /** A bounce for `to`, signed with the secret .dev.vars.example holds. */
  const signedBounce = (to: string) =>
    signedEvent(
      {
        type: "email.bounced",
        created_at: new Date().toISOString(),
        data: { email_id: `dev-${to}`, to: [to], bounce: { type: "Permanent" } },
      },
      DEV_WEBHOOK_SECRET,
      `msg_dev_${to}`,
    );

  it("verifies signed test events locally, and suppresses the bounced address", async () => {
    await pendingSubscriber("dev-bounce@example.org");
    const local = { ...env, RESEND_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET };
    const res = await app.request(
      "http://localhost:8787/webhooks/resend",
      signedBounce("dev-bounce@example.org"),
      local,
    );
    expect(res.status).toBe(200);
    const row = await env.DB.prepare("SELECT status FROM subscribers WHERE email = 'dev-bounce@example.org'").first();
    expect(row).toEqual({ status: "bounced" });
  });

  it("is refused outside local mode: anyone could sign events with it", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    await pendingSubscriber("deployed-bounce@example.org");
    const withDevSecret = { ...deployed, RESEND_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET };
    const res = await app.request(
      `${DEPLOYED}/webhooks/resend`,
      signedBounce("deployed-bounce@example.org"),
      withDevSecret,
    );
    expect(res.status).toBe(401);
    const row = await env.DB.prepare(
      "SELECT status FROM subscribers WHERE email = 'deployed-bounce@example.org'",
    ).first();
    expect(row).toEqual({ status: "pending" });
  });
});
