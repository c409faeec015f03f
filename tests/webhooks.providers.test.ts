// POST /webhooks/resend: Svix-signed events checked on the raw body; hard bounces and complaints
// suppress the address; deliveries count for the edition; each event handled once.
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { siteInfoOf } from "../src/content/briefing-index.ts";
import { seedSubscribers } from "./support/digest.ts";
import { compile, SEED_FILE } from "./support/fixtures.ts";
import { TEST_WEBHOOK_SECRET } from "./support/test-secrets.ts";
import { ADMIN, get } from "./support/worker.ts";

let ids = 0;

function signed(event: unknown, options: { secret?: string; at?: Date; id?: string } = {}) {
  const id = options.id ?? `msg_${++ids}`;
  const at = options.at ?? new Date();
  const body = JSON.stringify(event);
  const signature = new Webhook(options.secret ?? TEST_WEBHOOK_SECRET).sign(id, at, body);
  return {
    body,
    headers: {
      "Content-Type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      "svix-signature": signature,
    },
  };
}

const post = (req: { body: string; headers: Record<string, string> }) =>
  get("/webhooks/resend", { method: "POST", headers: req.headers, body: req.body });
const status = (email: string) =>
  env.DB.prepare("SELECT status FROM subscribers WHERE email = ?1").bind(email).first("status");

const bounce = (to: string, type: string) => ({
  type: "email.bounced",
  created_at: new Date().toISOString(),
  data: { email_id: "e_1", to: [to], bounce: { type, subType: "General", message: "mailbox does not exist" } },
});

describe("signatures", () => {
  it("rejects a bad signature, a wrong secret, missing headers and an old timestamp with 401 and changes nothing", async () => {
    const [email] = await seedSubscribers({ prefix: "sig-", count: 1 });
    const good = signed(bounce(email!, "Permanent"));
    const tampered = { ...good, body: good.body.replace("Permanent", "Transient") };
    const wrongKey = signed(bounce(email!, "Permanent"), { secret: "whsec_b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXk=" });
    const old = signed(bounce(email!, "Permanent"), { at: new Date(Date.now() - 6 * 60_000) });
    const bare = { body: good.body, headers: { "Content-Type": "application/json" } };
    for (const req of [tampered, wrongKey, old, bare]) {
      const res = await post(req);
      expect(res.status).toBe(401);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
    }
    expect(await status(email!)).toBe("confirmed");
  });
});

describe("events", () => {
  it("a hard bounce suppresses the address; a soft one does not", async () => {
    const [hard, soft] = await seedSubscribers({ prefix: "bounce-", count: 2 });
    expect((await post(signed(bounce(soft!, "Transient")))).status).toBe(200);
    expect(await status(soft!)).toBe("confirmed");
    const res = await post(signed(bounce(hard!.toUpperCase(), "Permanent")));
    expect(await res.json()).toEqual({ ok: true, handled: "suppressed" });
    expect(await status(hard!)).toBe("bounced");
    const row = await env.DB.prepare("SELECT suppressed_reason FROM subscribers WHERE email = ?1")
      .bind(hard)
      .first("suppressed_reason");
    expect(row).toContain("hard bounce");
  });

  it("a complaint suppresses the address", async () => {
    const [email] = await seedSubscribers({ prefix: "complaint-", count: 1 });
    await post(signed({ type: "email.complained", data: { email_id: "e_2", to: [email] } }));
    expect(await status(email!)).toBe("complained");
  });

  it("handles each svix-id once", async () => {
    await env.DB.prepare(
      "INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, created_at, updated_at) VALUES ('daily-test', 'daily', 'a', 'b', '[]', '[]', 'done', 'c', 'c')",
    ).run();
    const delivered = signed(
      { type: "email.delivered", data: { email_id: "e_3", to: ["x@example.org"], tags: { edition: "daily-test" } } },
      { id: "msg_same" },
    );
    expect(await (await post(delivered)).json()).toEqual({ ok: true, handled: "counted" });
    expect(await (await post(delivered)).json()).toEqual({ ok: true, handled: "duplicate" });
    expect(await env.DB.prepare("SELECT delivered FROM editions WHERE id = 'daily-test'").first("delivered")).toBe(1);
  });

  it("accepts events it does not act on", async () => {
    const res = await post(signed({ type: "email.opened", data: { email_id: "e_4", to: ["x@example.org"] } }));
    expect(await res.json()).toEqual({ ok: true, handled: "ignored" });
  });
});

/** The real local D1, except that its first batch() (the one that applies an event) fails. */
function failingOnce(db: D1Database): D1Database {
  let failed = false;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "batch" && !failed) {
        return async () => {
          failed = true;
          throw new Error("D1_ERROR: simulated failure");
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("claimed and applied together", () => {
  it("a failed apply answers 5xx and claims nothing, so the redelivery suppresses the address", async () => {
    const [email] = await seedSubscribers({ prefix: "flaky-", count: 1 });
    const app = createApp(siteInfoOf(compile(SEED_FILE)));
    const flakyEnv = { ...env, DB: failingOnce(env.DB) };
    const complaint = signed({ type: "email.complained", data: { email_id: "e_9", to: [email] } }, { id: "msg_flaky" });
    const deliver = () => app.request("/webhooks/resend", { method: "POST", ...complaint }, flakyEnv);

    const first = await deliver();
    expect(first.status).toBeGreaterThanOrEqual(500);
    expect(await status(email!)).toBe("confirmed");
    expect(await env.DB.prepare("SELECT 1 FROM webhook_events WHERE id = 'msg_flaky'").first()).toBeNull();

    const again = await deliver(); // Svix redelivers the same event
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ok: true, handled: "suppressed" });
    expect(await status(email!)).toBe("complained");
    expect(await (await deliver()).json()).toEqual({ ok: true, handled: "duplicate" });
  });

  it("a suppression writes an event and shows in the export with its reason and time", async () => {
    const [email] = await seedSubscribers({ prefix: "exported-", count: 1 });
    await post(signed(bounce(email!, "Permanent")));
    const events = await env.DB.prepare(
      "SELECT e.event, e.detail FROM subscriber_events e JOIN subscribers s ON s.id = e.subscriber_id WHERE s.email = ?1",
    )
      .bind(email)
      .all<{ event: string; detail: string }>();
    expect(events.results.map((e) => e.event)).toEqual(["bounced"]);
    expect(JSON.parse(events.results[0]!.detail)).toMatchObject({ via: "webhook", was: "confirmed" });
    const csv = await (await get("/admin/subscribers.csv", { headers: ADMIN })).text();
    const line = csv.split("\r\n").find((l) => l.startsWith(`${email},`));
    // The last column is the reader's language: empty, the site's default.
    expect(line).toMatch(/,bounced,.*,\d{4}-\d\d-\d\dT[^,]+,hard bounce: mailbox does not exist,$/);
  });
});
