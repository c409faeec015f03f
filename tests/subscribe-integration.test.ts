// The subscription flow through the Worker with real local D1: subscribe, confirm, welcome, unsubscribe,
// preferences — and what hostile input, forged links and repeated requests can and cannot do.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signToken } from "../src/subscriptions/tokens.ts";
import { select } from "./support/html.ts";
import { get, linkIn, mailsTo, pastCooldown, postForm, postJson, row } from "./support/worker.ts";

const DEV_KEY = "briefwire-local-development-signing-key-not-secret";
let n = 0;
const fresh = (label = "reader") => `${label}.${Date.now().toString(36)}.${n++}@example.org`;

async function subscribeAndConfirm(email: string) {
  await postJson("/subscribe", { email });
  const [confirmation] = await mailsTo(email);
  const confirmPath = linkIn(confirmation!.text, "confirm");
  await get(confirmPath, { method: "POST" });
  const welcome = (await mailsTo(email, 2)).find((m) => m.subject.startsWith("You're subscribed"))!;
  return { confirmPath, welcome };
}

async function subscriberCount() {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM subscribers").first<{ n: number }>())!.n;
}

describe("double opt-in", () => {
  it("subscribes by JSON: 202 pending, a confirmation mail, a pending row with a consent record", async () => {
    const email = fresh();
    const res = await postJson(
      "/subscribe",
      { email, cadence: "weekly", tags: ["ukraine"] },
      { "User-Agent": "Test/1.0", "CF-Connecting-IP": "192.0.2.7" },
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "pending" });

    const [mail] = await mailsTo(email);
    expect(mail!.subject).toBe("Confirm your subscription to briefwire");
    const confirmPath = linkIn(mail!.text, "confirm");
    expect(mail!.html).toContain(`href="http://localhost:8787${confirmPath}"`);
    expect(mail!.text).toContain("If you ignore this mail, you will not be subscribed");
    expect(mail!.text).toContain("1 Example Street, 1000 Brussels");
    // The address already names the publisher: the footer says it once.
    expect(mail!.text).toContain("briefwire, 1 Example Street");
    expect(mail!.text).not.toContain("briefwire · briefwire");
    expect(mail!.html).not.toContain("briefwire · briefwire");

    const r = await row(email);
    expect(r).toMatchObject({
      status: "pending",
      cadence: "weekly",
      topics: '["ukraine"]',
      consent_ip: "192.0.2.7",
      consent_user_agent: "Test/1.0",
      consent_source: "api",
      consent_text_version: "2026-11-subscribe-v1",
      confirmed_at: null,
    });
  });

  it("shows a button on GET /confirm and changes nothing until it is pressed", async () => {
    const email = fresh();
    await postJson("/subscribe", { email });
    const [mail] = await mailsTo(email);
    const confirmPath = linkIn(mail!.text, "confirm");
    const page = await get(confirmPath);
    expect(page.status).toBe(200);
    const html = await page.text();
    const forms = await select(html, "main form");
    expect(forms[0]?.attrs).toMatchObject({ method: "post", action: confirmPath });
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    expect((await row(email))?.status).toBe("pending");
  });

  it("confirms on POST, records when and from where, and sends one welcome mail with list headers", async () => {
    const email = fresh();
    await postJson("/subscribe", { email });
    const [mail] = await mailsTo(email);
    const confirmPath = linkIn(mail!.text, "confirm");
    const res = await get(confirmPath, { method: "POST", headers: { "CF-Connecting-IP": "198.51.100.9" } });
    expect(res.status).toBe(200);
    expect((await select(await res.text(), "h1"))[0]?.text).toBe("You're subscribed");
    expect(await row(email)).toMatchObject({ status: "confirmed", confirmed_ip: "198.51.100.9" });

    const welcome = (await mailsTo(email, 2)).find((m) => m.subject === "You're subscribed to briefwire")!;
    const unsubscribeUrl = /^<(http:\/\/localhost:8787\/unsubscribe\/[^>]+)>$/.exec(
      welcome.headers["List-Unsubscribe"]!,
    )?.[1];
    expect(unsubscribeUrl).toBeDefined();
    expect(welcome.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(welcome.headers["List-Id"]).toBe('"briefwire briefings" <briefings.localhost>');
    // The visible link carries the same token as the header; a preferences link and the postal address too.
    expect(welcome.html).toContain(`href="${unsubscribeUrl}"`);
    expect(welcome.text).toContain(unsubscribeUrl);
    expect(linkIn(welcome.text, "preferences")).toMatch(/^\/preferences\//);
    expect(welcome.text).toContain("1 Example Street, 1000 Brussels");

    // Pressing again is harmless: same page, no second welcome.
    const again = await get(confirmPath, { method: "POST" });
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect((await mailsTo(email, 3, 300)).length).toBe(2);
  });

  it("answers a form post with a 'check your inbox' page", async () => {
    const email = fresh();
    const res = await postForm("/subscribe", { email, cadence: "weekly" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect((await select(await res.text(), "h1"))[0]?.text).toBe("Check your inbox");
    expect((await row(email))?.consent_source).toBe("form");
  });

  it("sends one confirmation however often the form is sent within the cooldown", async () => {
    const email = fresh();
    await postJson("/subscribe", { email });
    await postJson("/subscribe", { email });
    await mailsTo(email);
    await new Promise((r) => setTimeout(r, 100));
    expect((await mailsTo(email, 2, 300)).length).toBe(1);
  });
});

describe("no enumeration", () => {
  it("answers the same for new, pending, confirmed and unsubscribed addresses", async () => {
    const confirmed = fresh("confirmed");
    const { welcome } = await subscribeAndConfirm(confirmed);
    const left = fresh("left");
    const { welcome: leftWelcome } = await subscribeAndConfirm(left);
    await get(linkIn(leftWelcome.text, "unsubscribe"), { method: "POST" });
    const pending = fresh("pending");
    await postJson("/subscribe", { email: pending });
    expect(welcome).toBeDefined();

    const answers = [];
    for (const email of [fresh("new"), pending, confirmed, left]) {
      for (const send of [() => postJson("/subscribe", { email }), () => postForm("/subscribe", { email })]) {
        const res = await send();
        answers.push({ status: res.status, type: res.headers.get("Content-Type"), body: await res.text() });
      }
    }
    const json = answers.filter((_, i) => i % 2 === 0);
    const form = answers.filter((_, i) => i % 2 === 1);
    for (const a of json) expect(a).toEqual(json[0]);
    for (const a of form) expect(a).toEqual(form[0]);
  });
});

describe("hostile input gets a 4xx with the field and nothing is stored", () => {
  const cases: [string, unknown, string][] = [
    ["missing email", {}, "email"],
    ["email not a string", { email: 42 }, "email"],
    ["not an object", ["a@example.org"], "body"],
    ["null", null, "body"],
    ["no @", { email: "not-an-address" }, "email"],
    ["CRLF header injection", { email: "a@example.org\r\nBcc: victim@example.org" }, "email"],
    ["SQL text", { email: "x@example.org'); DROP TABLE subscribers;--" }, "email"],
    ["display name", { email: "Eve <eve@example.org>" }, "email"],
    ["IP literal", { email: "eve@[127.0.0.1]" }, "email"],
    ["overlong", { email: `${"a".repeat(300)}@example.org` }, "email"],
    ["bad cadence", { email: "ok@example.org", cadence: "hourly" }, "cadence"],
    ["unknown topic", { email: "ok@example.org", tags: ["not-a-tag"] }, "tags.0"],
    ["tags not a list", { email: "ok@example.org", tags: "ukraine" }, "tags"],
  ];

  it.each(cases)("%s → 400 problem+json naming %s", async (_, body, field) => {
    const before = await subscriberCount();
    const res = await postJson("/subscribe", body);
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
    const problem = (await res.json()) as { status: number; errors: { field: string; reason: string }[] };
    expect(problem.status).toBe(400);
    expect(problem.errors.map((e) => e.field)).toContain(field);
    expect(problem.errors.every((e) => e.reason.length > 0)).toBe(true);
    expect(await subscriberCount()).toBe(before);
  });

  it("answers a bad form with the form again, the reason and what was typed (escaped)", async () => {
    const res = await postForm("/subscribe", { email: '"><script>alert(1)</script>' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).not.toContain("<script>alert(1)");
    expect((await select(html, "p.error"))[0]?.text).toMatch(/^The address /);
    // Attribute values come back as written in the HTML: escaped.
    expect((await select(html, 'input[name="email"]'))[0]?.attrs.value).toBe(
      "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
    );
  });

  it("rejects invalid JSON, wrong content types and 1 MiB bodies", async () => {
    const before = await subscriberCount();
    const bad = await get("/subscribe", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{nope",
    });
    expect(bad.status).toBe(400);
    const xml = await get("/subscribe", {
      method: "POST",
      headers: { "Content-Type": "application/xml" },
      body: "<a/>",
    });
    expect(xml.status).toBe(415);
    expect(((await xml.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("Content-Type");
    const none = await get("/subscribe", { method: "POST", body: "email=a@example.org" });
    expect([400, 415]).toContain(none.status);
    const huge = await postJson("/subscribe", { email: "big@example.org", pad: "x".repeat(1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(await subscriberCount()).toBe(before);
  });

  it("accepts internationalised addresses and stores the domain in ASCII", async () => {
    const res = await postJson("/subscribe", { email: "  Zoë.Müller@Bücher.example  " });
    expect(res.status).toBe(202);
    await mailsTo("Zoë.Müller@xn--bcher-kva.example");
    const r = await env.DB.prepare("SELECT email, email_normalized FROM subscribers WHERE email LIKE 'Zoë%'").first();
    expect(r).toEqual({
      email: "Zoë.Müller@xn--bcher-kva.example",
      email_normalized: "zoë.müller@xn--bcher-kva.example",
    });
  });

  it("treats differently capitalised addresses as one subscriber", async () => {
    const email = fresh("Case");
    await postJson("/subscribe", { email });
    await postJson("/subscribe", { email: email.toUpperCase() });
    const { n: count } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM subscribers WHERE email_normalized = ?1")
      .bind(email.toLowerCase())
      .first<{ n: number }>())!;
    expect(count).toBe(1);
  });

  it("limits tries per address and per client with 429", async () => {
    const email = fresh("limited");
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await postJson("/subscribe", { email }, { "CF-Connecting-IP": `203.0.113.${i}` })).status);
    expect(statuses.slice(0, 3)).toEqual([202, 202, 202]);
    expect(statuses.at(-1)).toBe(429);

    const client = [];
    for (let i = 0; i < 12; i++)
      client.push(await postJson("/subscribe", { email: fresh("client") }, { "CF-Connecting-IP": "203.0.113.200" }));
    const last = client.at(-1)!;
    expect(last.status).toBe(429);
    expect(last.headers.get("Retry-After")).toBe("60");
  });
});

describe("signed links", () => {
  it("a tampered, unknown or wrong-purpose token shows an error page and changes nothing", async () => {
    const email = fresh();
    const { confirmPath, welcome } = await subscribeAndConfirm(email);
    const unsubscribePath = linkIn(welcome.text, "unsubscribe");
    const token = unsubscribePath.split("/")[2]!;
    const flipped = token.slice(0, -2) + (token.at(-2) === "A" ? "B" : "A") + token.at(-1);
    for (const path of [
      `/unsubscribe/${flipped}`,
      "/unsubscribe/garbage",
      `/confirm/${token}`, // unsubscribe token used to confirm
      `/preferences/${token}`,
      `/unsubscribe/${confirmPath.split("/")[2]}`, // confirm token used to unsubscribe
    ]) {
      const res = await get(path, {
        method: "POST",
        body: "List-Unsubscribe=One-Click",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(res.status, path).toBe(404);
      expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    }
    expect((await row(email))?.status).toBe("confirmed");
  });

  it("a confirm link expires after 7 days", async () => {
    const email = fresh();
    await postJson("/subscribe", { email });
    await mailsTo(email);
    const r = (await row(email))!;
    const expired = await signToken(DEV_KEY, {
      purpose: "confirm",
      subscriberId: r.id as number,
      nonce: r.confirm_nonce as string,
      expires: Math.floor(Date.now() / 1000) - 1,
    });
    const res = await get(`/confirm/${expired}`, { method: "POST" });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("This link has expired");
    expect((await row(email))?.status).toBe("pending");
  });

  it("after unsubscribing, the old confirm link cannot subscribe again; a new request needs a new confirmation", async () => {
    const email = fresh();
    const { confirmPath, welcome } = await subscribeAndConfirm(email);
    await get(linkIn(welcome.text, "unsubscribe"), { method: "POST" });
    expect((await get(confirmPath, { method: "POST" })).status).toBe(410);
    expect((await row(email))?.status).toBe("unsubscribed");

    await pastCooldown();
    await postJson("/subscribe", { email });
    const mails = await mailsTo(email, 3);
    const second = mails.filter((m) => m.subject.startsWith("Confirm"));
    expect(second).toHaveLength(2);
    const newPath = linkIn(second[0]!.text, "confirm"); // newest first
    expect(newPath).not.toBe(confirmPath);
    // Still suppressed until the new link's button is pressed.
    expect((await row(email))?.status).toBe("unsubscribed");
    expect((await get(newPath, { method: "POST" })).status).toBe(200);
    expect((await row(email))?.status).toBe("confirmed");
  });
});

describe("unsubscribe", () => {
  it("GET shows a button and a preferences link, and never unsubscribes", async () => {
    const email = fresh();
    const { welcome } = await subscribeAndConfirm(email);
    const path = linkIn(welcome.text, "unsubscribe");
    const res = await get(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect((await select(html, "main form"))[0]?.attrs).toMatchObject({ method: "post", action: path });
    expect((await select(html, 'main a[href^="http://localhost:8787/preferences/"]')).length).toBe(1);
    expect((await row(email))?.status).toBe("confirmed");
  });

  it("one-click POST exactly as Gmail sends it: 200, no redirect, no cookie, idempotent", async () => {
    const email = fresh();
    const { welcome } = await subscribeAndConfirm(email);
    const url = /^<(.+)>$/.exec(welcome.headers["List-Unsubscribe"]!)![1]!;
    const oneClick = () =>
      get(url.slice("http://localhost:8787".length), {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "User-Agent": "Mozilla/5.0 (compatible; Google-List-Unsubscribe)",
        },
        body: "List-Unsubscribe=One-Click",
        redirect: "manual",
      });
    const res = await oneClick();
    expect(res.status).toBe(200);
    expect(res.headers.get("Location")).toBeNull();
    expect(res.headers.get("Set-Cookie")).toBeNull();
    expect(await row(email)).toMatchObject({ status: "unsubscribed" });
    expect((await oneClick()).status).toBe(200);

    const events = await env.DB.prepare("SELECT event FROM subscriber_events WHERE subscriber_id = ?1 ORDER BY id")
      .bind((await row(email))!.id)
      .all<{ event: string }>();
    expect(events.results.map((e) => e.event)).toEqual(["subscribe-requested", "confirmed", "unsubscribed"]);
  });

  it("accepts the one-click body as multipart too", async () => {
    const email = fresh();
    const { welcome } = await subscribeAndConfirm(email);
    const form = new FormData();
    form.append("List-Unsubscribe", "One-Click");
    const res = await get(linkIn(welcome.text, "unsubscribe"), { method: "POST", body: form });
    expect(res.status).toBe(200);
    expect((await row(email))?.status).toBe("unsubscribed");
  });
});

describe("preferences", () => {
  it("shows and saves cadence and topics", async () => {
    const email = fresh();
    const { welcome } = await subscribeAndConfirm(email);
    const path = linkIn(welcome.text, "preferences");
    const html = await (await get(path)).text();
    const boxes = await select(html, 'input[name="topics"]');
    expect(boxes.map((b) => b.attrs.value)).toEqual(["defence-industry", "indo-pacific", "nato", "ukraine"]);
    // Each box reads as a name, not a slug.
    expect(html).toContain('value="defence-industry"> Defence Industry</label>');
    expect(html).not.toMatch(/> defence-industry</);
    expect((await select(html, 'input[name="cadence"][checked]'))[0]?.attrs.value).toBe("daily");

    const saved = await postForm(path, { cadence: "weekly", topics: ["ukraine", "nato"] });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("Saved.");
    expect(await row(email)).toMatchObject({ cadence: "weekly", topics: '["nato","ukraine"]' });
  });

  it("rejects unknown topics and cadences with 400 and keeps the old settings", async () => {
    const email = fresh();
    const { welcome } = await subscribeAndConfirm(email);
    const path = linkIn(welcome.text, "preferences");
    expect((await postForm(path, { cadence: "weekly", topics: ["bogus"] })).status).toBe(400);
    expect((await postForm(path, { cadence: "hourly" })).status).toBe(400);
    expect(await row(email)).toMatchObject({ cadence: "daily", topics: "[]" });
  });
});
