// Confirmation and welcome mails survive a provider outage: they go through a queue with retries and
// one idempotency key per mail, and arrive once the Resend stand-in is back — once each.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { mockFaults, mockState } from "./support/resend-control.ts";
import { get, linkIn, postJson } from "./support/worker.ts";

afterEach(async () => {
  await mockFaults({});
});

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const emailsTo = async (to: string) => (await mockState()).emails.filter((e) => e.to.includes(to));
/** Calls the stand-in refused for one subscriber's mails of one kind (keys start "confirm-<id>-" / "welcome-<id>-"). */
const refusedCalls = async (prefix: string) =>
  (await mockState()).calls.filter((c) => c.status === 500 && c.idempotencyKey?.startsWith(prefix)).length;
const subscriberId = (email: string) =>
  until(
    () => env.DB.prepare("SELECT id FROM subscribers WHERE email = ?1").bind(email).first<number>("id"),
    (id) => id !== null,
  );

describe("a provider outage", () => {
  it("delays the confirmation and the welcome mail; both arrive once it is back, once each", async () => {
    const marker = `outage-${Date.now().toString(36)}`;
    const email = `${marker}@example.org`;
    await mockFaults({ outageFor: marker });
    const res = await postJson("/subscribe", { email });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "pending" });
    const id = await subscriberId(email);
    expect(
      await until(
        () => refusedCalls(`confirm-${id}-`),
        (n) => n >= 2,
      ),
    ).toBeGreaterThanOrEqual(2);
    expect(await emailsTo(email)).toEqual([]);

    await mockFaults({});
    const [confirmation] = await until(
      () => emailsTo(email),
      (e) => e.length > 0,
    );
    expect(confirmation?.subject).toBe("Confirm your subscription to briefwire");

    // Down again while the reader confirms: the welcome mail waits too.
    await mockFaults({ outageFor: marker });
    expect((await get(linkIn(confirmation!.text!, "confirm"), { method: "POST" })).status).toBe(200);
    expect(
      await until(
        () => refusedCalls(`welcome-${id}-`),
        (n) => n >= 2,
      ),
    ).toBeGreaterThanOrEqual(2);
    await mockFaults({});
    const mails = await until(
      () => emailsTo(email),
      (e) => e.length >= 2,
    );
    expect(mails.map((m) => m.subject)).toEqual([
      "Confirm your subscription to briefwire",
      "You're subscribed to briefwire",
    ]);
    expect(mails[1]?.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  }, 40_000);
});
