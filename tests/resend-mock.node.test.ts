// Checks the Resend stand-in with plain HTTP and with the real resend SDK, so suites built on it see Resend's behaviour.
import { request } from "node:http";
import { Resend } from "resend";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ResendMock, startResendMock } from "./support/resend-mock.ts";

let mock: ResendMock;

beforeAll(async () => {
  mock = await startResendMock();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const FROM = "Briefwire <digest@briefwire.example>";

function email(i: number) {
  return {
    from: FROM,
    to: [`reader${i}@example.com`],
    subject: `Digest ${i}`,
    html: `<p>Digest ${i}</p>`,
    text: `Digest ${i}`,
    headers: { "List-Unsubscribe": `<https://briefwire.example/u/${i}>` },
    tags: [{ name: "kind", value: "digest" }],
  };
}

function emails(n: number) {
  return Array.from({ length: n }, (_, i) => email(i));
}

function sdk(key = "re_test") {
  return new Resend(key, { baseUrl: mock.url });
}

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${mock.url}${path}`, {
    method: "POST",
    headers: { authorization: "Bearer re_test", "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function control(path: string, body?: unknown) {
  const res = await fetch(`${mock.url}/__mock/${path}`, {
    method: body === undefined && path === "state" ? "GET" : "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

describe("sending", () => {
  it("accepts a batch of 100 and records each email under one batch call", async () => {
    const { data, error } = await sdk().batch.send(emails(100));
    expect(error).toBeNull();
    const ids = data!.data.map((d) => d.id);
    expect(ids).toHaveLength(100);
    expect(new Set(ids).size).toBe(100);
    expect(mock.emails.map((e) => e.id)).toEqual(ids);
    expect(new Set(mock.emails.map((e) => e.batchCallId)).size).toBe(1);
    expect(mock.emails[7]).toMatchObject({
      from: FROM,
      to: ["reader7@example.com"],
      subject: "Digest 7",
      html: "<p>Digest 7</p>",
      text: "Digest 7",
      headers: { "List-Unsubscribe": "<https://briefwire.example/u/7>" },
      tags: [{ name: "kind", value: "digest" }],
    });
    expect(mock.calls).toEqual([expect.objectContaining({ path: "/emails/batch", status: 200, size: 100 })]);
  });

  it("accepts a single email, with `to` as a plain string", async () => {
    const res = await post("/emails", { ...email(1), to: "one@example.com" }, { "user-agent": "briefwire-test" });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect(mock.emails).toEqual([expect.objectContaining({ id, to: ["one@example.com"] })]);
    expect(mock.emails[0]!.batchCallId).toBeUndefined();

    const viaSdk = await sdk().emails.send({ ...email(2), replyTo: "desk@briefwire.example" });
    expect(viaSdk.error).toBeNull();
    expect(mock.emails[1]).toMatchObject({ id: viaSdk.data!.id, replyTo: ["desk@briefwire.example"] });
  });

  it("refuses a batch of 101 with 422 and records nothing", async () => {
    const { data, error } = await sdk().batch.send(emails(101));
    expect(data).toBeNull();
    expect(error).toMatchObject({
      statusCode: 422,
      name: "validation_error",
      message: "Too many emails in batch; max 100",
    });
    expect(mock.emails).toHaveLength(0);
    expect(mock.calls).toEqual([expect.objectContaining({ status: 422, size: 101 })]);
  });

  it.each([
    ["missing from", "/emails", { ...email(0), from: undefined }, 422],
    ["missing to", "/emails", { ...email(0), to: undefined }, 422],
    ["missing subject", "/emails", { ...email(0), subject: undefined }, 422],
    ["neither html nor text", "/emails", { ...email(0), html: undefined, text: undefined }, 422],
    ["bad to address", "/emails", { ...email(0), to: ["not-an-address"] }, 422],
    ["bad from address", "/emails", { ...email(0), from: "Briefwire <nope>" }, 422],
    ["51 recipients", "/emails", { ...email(0), to: emails(51).map((e) => e.to[0]) }, 422],
    ["batch body not an array", "/emails/batch", email(0), 422],
    [
      "attachments in a batch",
      "/emails/batch",
      [{ ...email(0), attachments: [{ filename: "a.txt", content: "aGk=" }] }],
      422,
    ],
    ["scheduled_at in a batch", "/emails/batch", [{ ...email(0), scheduled_at: "in 1 hour" }], 422],
    ["body not JSON", "/emails", "{not json", 400],
  ])("refuses %s", async (_, path, body, status) => {
    const res = await post(path, body);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ statusCode: status, name: "validation_error" });
    expect(mock.emails).toHaveLength(0);
  });

  it("skips and reports bad emails in permissive batch mode", async () => {
    const batch = [email(0), { ...email(1), to: ["broken"] }, email(2)];
    const { data, error } = await sdk().batch.send(batch, { batchValidation: "permissive" });
    expect(error).toBeNull();
    expect(data!.data).toHaveLength(2);
    expect(data!.errors).toEqual([{ index: 1, message: expect.stringContaining("Invalid `to` field") }]);
    expect(mock.emails.map((e) => e.to[0])).toEqual(["reader0@example.com", "reader2@example.com"]);
  });

  it("answers 404 for unknown endpoints", async () => {
    const res = await post("/domains", {});
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ name: "not_found" });
  });
});

describe("authentication and user agent", () => {
  it("wants a Bearer re_ key", async () => {
    const bad = await sdk("sk_live_nope").emails.send(email(0));
    expect(bad.error).toMatchObject({ statusCode: 403, name: "invalid_api_key" });

    const res = await fetch(`${mock.url}/emails`, { method: "POST", body: JSON.stringify(email(0)) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ statusCode: 401, name: "missing_api_key" });
    expect(mock.emails).toHaveLength(0);
  });

  it("wants a User-Agent", async () => {
    // fetch always sends `user-agent: node` unless told otherwise; an empty one counts as missing.
    const res = await post("/emails", email(0), { "user-agent": "" });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      statusCode: 403,
      name: "validation_error",
      message: "User-Agent header is required",
    });

    // And a request with no such header at all.
    const body = JSON.stringify(email(0));
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${mock.url}/emails`,
        { method: "POST", headers: { authorization: "Bearer re_test", "content-length": Buffer.byteLength(body) } },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(403);
    expect(mock.emails).toHaveLength(0);
  });
});

describe("idempotency", () => {
  it("replays the first answer for the same key and payload without sending again", async () => {
    const first = await sdk().batch.send(emails(3), { idempotencyKey: "digest/2024-06-01" });
    const again = await sdk().batch.send(emails(3), { idempotencyKey: "digest/2024-06-01" });
    expect(first.error).toBeNull();
    expect(again.data).toEqual(first.data);
    expect(mock.emails).toHaveLength(3);
    expect(mock.emails.every((e) => e.idempotencyKey === "digest/2024-06-01")).toBe(true);
    expect(mock.calls.map((c) => c.status)).toEqual([200, 200]);
  });

  it("refuses the same key with a different payload", async () => {
    await sdk().batch.send(emails(2), { idempotencyKey: "k1" });
    const { error } = await sdk().batch.send(emails(3), { idempotencyKey: "k1" });
    expect(error).toMatchObject({ statusCode: 409, name: "invalid_idempotent_request" });
    expect(mock.emails).toHaveLength(2);
  });

  it("refuses the same key while the first request is still in progress", async () => {
    mock.setOptions({ latencyMs: 300 });
    const [a, b] = await Promise.all([
      sdk().batch.send(emails(2), { idempotencyKey: "k2" }),
      sdk().batch.send(emails(2), { idempotencyKey: "k2" }),
    ]);
    const errors = [a.error, b.error].filter((e) => e !== null);
    expect(errors).toEqual([expect.objectContaining({ statusCode: 409, name: "concurrent_idempotent_requests" })]);
    expect(mock.emails).toHaveLength(2);
  });

  it("refuses keys longer than 256 characters", async () => {
    const { error } = await sdk().emails.send(email(0), { idempotencyKey: "k".repeat(257) });
    expect(error).toMatchObject({ statusCode: 422, name: "invalid_idempotency_key" });
  });
});

describe("rate limit", () => {
  it("answers 429 with the rate limit headers once the bucket is empty", async () => {
    mock.setOptions({ ratePerSecond: 2 });
    const ok = await post("/emails", email(0));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("ratelimit-limit")).toBe("2");
    expect(ok.headers.get("ratelimit-remaining")).toBe("1");
    expect(Number(ok.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(1);
    expect((await post("/emails", email(1))).status).toBe(200);

    const limited = await post("/emails", email(2));
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ statusCode: 429, name: "rate_limit_exceeded" });
    expect(limited.headers.get("ratelimit-limit")).toBe("2");
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    const reset = Number(limited.headers.get("ratelimit-reset"));
    expect(Number.isInteger(reset) && reset >= 1).toBe(true);
    expect(limited.headers.get("retry-after")).toBe(String(reset));

    const viaSdk = await sdk().emails.send(email(3));
    expect(viaSdk.error).toMatchObject({ statusCode: 429, name: "rate_limit_exceeded" });
    expect(viaSdk.headers).toMatchObject({ "ratelimit-remaining": "0", "retry-after": String(reset) });
    expect(mock.emails).toHaveLength(2);

    await new Promise((r) => setTimeout(r, reset * 1000));
    expect((await post("/emails", email(4))).status).toBe(200);
  });
});

describe("rate limit windows", () => {
  // A stand-in of its own whose limit counts on a clock the test moves: no sleeping.
  let timed: ResendMock;
  let now = 0;
  beforeAll(async () => {
    timed = await startResendMock({ clock: () => now });
  });
  afterAll(() => timed.close());
  beforeEach(() => timed.reset());

  async function callAt(ms: number) {
    now = ms;
    const res = await fetch(`${timed.url}/emails`, {
      method: "POST",
      headers: { authorization: "Bearer re_test", "content-type": "application/json" },
      body: JSON.stringify(email(0)),
    });
    await res.arrayBuffer();
    const h = (name: string) => res.headers.get(name);
    return {
      status: res.status,
      limit: h("ratelimit-limit"),
      remaining: h("ratelimit-remaining"),
      reset: h("ratelimit-reset"),
      retryAfter: h("retry-after"),
    };
  }

  it("sliding: allows `limit` calls in any second and frees a slot when the oldest call is a second old", async () => {
    timed.setOptions({ ratePerSecond: 5, rateWindow: "sliding" });
    const first = [];
    for (const at of [0, 200, 400, 600, 800]) first.push(await callAt(at));
    expect(first.map((r) => [r.status, r.remaining])).toEqual([
      [200, "4"],
      [200, "3"],
      [200, "2"],
      [200, "1"],
      [200, "0"],
    ]);
    expect(first.every((r) => r.limit === "5" && r.reset === "1" && r.retryAfter === null)).toBe(true);
    // 999 ms after the first call it is still in the window; the answer says wait (1 s, rounded up).
    expect(await callAt(999)).toMatchObject({ status: 429, remaining: "0", reset: "1", retryAfter: "1" });
    // At 1,000 ms the first call has left: one slot, used at once.
    expect(await callAt(1000)).toMatchObject({ status: 200, remaining: "0" });
    expect(await callAt(1100)).toMatchObject({ status: 429 });
    expect(await callAt(1200)).toMatchObject({ status: 200, remaining: "0" });
    // A quiet second empties the window.
    expect(await callAt(2300)).toMatchObject({ status: 200, remaining: "4" });
    expect(timed.emails).toHaveLength(8);
  });

  it("fixed: allows `limit` calls per whole second of the clock and starts afresh at the next one", async () => {
    timed.setOptions({ ratePerSecond: 5, rateWindow: "fixed" });
    for (let i = 0; i < 5; i++) {
      expect(await callAt(10_900 + i)).toMatchObject({ status: 200, remaining: String(4 - i), reset: "1" });
    }
    expect(await callAt(10_950)).toMatchObject({ status: 429, remaining: "0", reset: "1", retryAfter: "1" });
    // A new second: the count starts again, although the last five calls were 100 ms ago.
    const next = [];
    for (let i = 0; i < 6; i++) next.push(await callAt(11_000 + i));
    expect(next.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(next[0]).toMatchObject({ remaining: "4", reset: "1" });
    expect(timed.emails).toHaveLength(10);
  });

  it("bucket (the default): a burst of `limit`, then a call per 1/limit seconds", async () => {
    timed.setOptions({ ratePerSecond: 5 });
    const burst = [];
    for (let i = 0; i < 6; i++) burst.push((await callAt(1000 + i)).status);
    expect(burst).toEqual([200, 200, 200, 200, 200, 429]);
    expect(await callAt(1150)).toMatchObject({ status: 429, retryAfter: "1" });
    expect(await callAt(1205)).toMatchObject({ status: 200, remaining: "0" });
  });

  it("is chosen over the control endpoint, and an unknown window is refused", async () => {
    const set = (body: unknown) => fetch(`${timed.url}/__mock/options`, { method: "POST", body: JSON.stringify(body) });
    expect((await set({ ratePerSecond: 1, rateWindow: "sliding" })).status).toBe(200);
    const state = (await (await fetch(`${timed.url}/__mock/state`)).json()) as { options: unknown };
    expect(state.options).toMatchObject({ ratePerSecond: 1, rateWindow: "sliding" });
    expect(await callAt(0)).toMatchObject({ status: 200 });
    expect(await callAt(500)).toMatchObject({ status: 429 });

    const bad = await set({ rateWindow: "leaky" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      name: "validation_error",
      message: expect.stringContaining("rateWindow"),
    });
  });
});

describe("faults", () => {
  async function statuses(n: number) {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await sdk().emails.send(email(i))).error?.statusCode ?? 200);
    return out;
  }

  it("fails the same requests with 500 for the same seed", async () => {
    mock.setFaults({ error500: 0.5, seed: 7 });
    const first = await statuses(16);
    expect(first).toContain(200);
    expect(first).toContain(500);
    expect(mock.emails).toHaveLength(first.filter((s) => s === 200).length);

    mock.reset();
    mock.setFaults({ error500: 0.5, seed: 7 });
    expect(await statuses(16)).toEqual(first);
  });

  it("does not keep the idempotency key of a request that failed with 500", async () => {
    mock.setFaults({ error500: 1 });
    const failed = await sdk().emails.send(email(0), { idempotencyKey: "retry-me" });
    expect(failed.error).toMatchObject({ statusCode: 500, name: "internal_server_error" });
    expect(mock.emails).toHaveLength(0);

    mock.setFaults({});
    const retried = await sdk().emails.send(email(0), { idempotencyKey: "retry-me" });
    expect(retried.error).toBeNull();
    expect(mock.emails).toHaveLength(1);
  });

  it("loses a response after doing the work, and a retry with the same key replays it", async () => {
    mock.setFaults({ lostResponse: 1 });
    const lost = await sdk().batch.send(emails(3), { idempotencyKey: "lost-1" });
    expect(lost.data).toBeNull();
    expect(lost.error).toMatchObject({ name: "application_error", statusCode: null });
    expect(mock.emails).toHaveLength(3);
    expect(mock.calls).toEqual([expect.objectContaining({ status: 0, idempotencyKey: "lost-1" })]);

    mock.setFaults({});
    const retried = await sdk().batch.send(emails(3), { idempotencyKey: "lost-1" });
    expect(retried.error).toBeNull();
    expect(retried.data!.data.map((d) => d.id)).toEqual(mock.emails.map((e) => e.id));
    expect(mock.emails).toHaveLength(3);
  });

  it("slows down the chosen fraction of requests", async () => {
    mock.setFaults({ slowMs: 200, slowFraction: 1 });
    const started = performance.now();
    expect((await sdk().emails.send(email(0))).error).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe("control endpoints", () => {
  it("drive the mock over HTTP and are never limited or faulted", async () => {
    await control("options", { ratePerSecond: 1 });
    await control("faults", { error500: 1 });
    expect((await sdk().emails.send(email(0))).error).toMatchObject({ statusCode: 500 });
    expect((await sdk().emails.send(email(1))).error).toMatchObject({ statusCode: 429 });

    for (let i = 0; i < 5; i++) await control("state");
    const state = (await control("state")) as { emails: unknown[]; calls: { status: number }[] };
    expect(state.emails).toEqual([]);
    expect(state.calls.map((c) => c.status)).toEqual([500, 429]);

    await control("reset", {});
    expect(await control("state")).toMatchObject({ emails: [], calls: [] });
    const { data, error } = await sdk().emails.send(email(2));
    expect(error).toBeNull();
    const after = (await control("state")) as { emails: { id: string }[] };
    expect(after.emails.map((e) => e.id)).toEqual([data!.id]);
  });
});
