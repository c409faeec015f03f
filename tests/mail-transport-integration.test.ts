// The Resend transport against the local Resend stand-in (the only fake), and the switch between
// Resend and the outbox that the environment decides.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { createTransport } from "../src/mail/choose-transport.ts";
import type { OutgoingMail } from "../src/mail/transport.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";

const mock = env.RESEND_MOCK_URL;
const control = (path: string, body?: unknown) =>
  fetch(
    `${mock}/__mock/${path}`,
    body === undefined ? { method: "POST" } : { method: "POST", body: JSON.stringify(body) },
  );
const state = async () =>
  (await (await fetch(`${mock}/__mock/state`)).json()) as {
    emails: { to: string[]; subject: string; headers?: Record<string, string>; text?: string }[];
    calls: { path: string; status: number; idempotencyKey?: string }[];
  };

const resendEnv = { ...env, RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: mock };
const mail = (to: string): OutgoingMail => ({
  from: "briefwire <briefings@example.org>",
  to,
  subject: "Hello",
  html: "<p>Hello</p>",
  text: "Hello",
  headers: { "List-Id": "<briefings.example.org>" },
});

beforeEach(async () => {
  await control("reset");
});

describe("Resend transport", () => {
  it("is chosen when RESEND_API_KEY is set, the outbox otherwise", () => {
    expect(createTransport(resendEnv).name).toBe("resend");
    expect(createTransport(env).name).toBe("outbox");
  });

  it("sends a batch with the idempotency key, and a retry with the same key delivers nothing twice", async () => {
    const transport = createTransport(resendEnv);
    const batch = [mail("a@example.org"), mail("b@example.org")];
    const first = await transport.send(batch, "test-key-1");
    expect(first.ok).toBe(true);
    const again = await transport.send(batch, "test-key-1");
    expect(again).toEqual(first);
    const s = await state();
    expect(s.emails.map((e) => e.to[0])).toEqual(["a@example.org", "b@example.org"]);
    expect(s.emails[0]?.headers).toEqual({ "List-Id": "<briefings.example.org>" });
    expect(s.calls.map((c) => c.idempotencyKey)).toEqual(["test-key-1", "test-key-1"]);
  });

  it("maps 429 to a retry after the provider's reset time", async () => {
    await control("options", { ratePerSecond: 1 });
    const transport = createTransport(resendEnv);
    await transport.send([mail("c@example.org")], "k-429-a");
    const limited = await transport.send([mail("d@example.org")], "k-429-b");
    expect(limited).toMatchObject({ ok: false, retry: true, kind: "rate_limited" });
    expect((limited as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it("maps a 500 to a retryable failure and a validation error to a final one", async () => {
    await control("faults", { error500: 1 });
    const failed = await createTransport(resendEnv).send([mail("e@example.org")], "k-500");
    expect(failed).toMatchObject({ ok: false, retry: true, kind: "unavailable" });
    await control("faults", {});
    const invalid = await createTransport(resendEnv).send([mail("not an address")], "k-422");
    expect(invalid).toMatchObject({ ok: false, retry: false, kind: "rejected" });
    const badKey = await createTransport({ ...resendEnv, RESEND_API_KEY: "nope" }).send(
      [mail("f@example.org")],
      "k-auth",
    );
    expect(badKey).toMatchObject({ ok: false, retry: false, kind: "auth" });
  });

  it("hides the outbox when Resend is configured", async () => {
    const app = createApp(compile(SEED_FILE));
    expect((await app.request("/outbox", {}, resendEnv)).status).toBe(404);
    expect((await app.request("/outbox.json", {}, resendEnv)).status).toBe(404);
  });
});
