// The console's subscribers pages with real local D1: search by the start of an address or a domain,
// filters, keyset paging, a reader's page with its history, Unsubscribe / Erase / Resend confirmation
// behind a confirmation step, the filtered CSV export, bad input kept with its reason, 404 and 403.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { siteInfoOf } from "../src/content/briefing-index.ts";
import type { Content } from "../src/content/schema.ts";
import { seedSubscribers } from "./support/digest.ts";
import { briefingFile, compile } from "./support/fixtures.ts";
import { select } from "./support/html.ts";
import { clearDigestHistory, deliverQueued, recordingEnv } from "./support/recorded-queues.ts";
import { SITE } from "./support/worker.ts";

const content: Content = compile(
  briefingFile("alpha", {
    title: "Alpha agreed",
    published: new Date(Date.now() - 3_600_000).toISOString(),
    summary: "About alpha.",
    tags: ["ukraine", "budget"],
    outcomes: [{ id: "outcome", headline: "What alpha decided." }],
  }),
);

async function call(path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await createApp(siteInfoOf(content), { briefingIndex: async () => content }).fetch(
    new Request(`${SITE}${path}`, { redirect: "manual", ...init }),
    recordingEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

let cookie = "";
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const page = (path: string) => call(path, { headers: { Cookie: cookie } });
const post = (path: string, origin = SITE) =>
  call(path, { method: "POST", headers: { ...FORM, Origin: origin, Cookie: cookie }, body: "" });

const idOf = async (email: string) =>
  (await env.DB.prepare("SELECT id FROM subscribers WHERE email = ?1").bind(email).first<{ id: number }>())
    ?.id as number;
const rowOf = (id: number) =>
  env.DB.prepare("SELECT email, status, erased_at, suppressed_reason FROM subscribers WHERE id = ?1")
    .bind(id)
    .first<{ email: string; status: string; erased_at: string | null; suppressed_reason: string | null }>();

/** The addresses the list shows, and where each links. */
async function listed(html: string) {
  const links = await select(html, "tbody th a");
  return { emails: links.map((a) => a.text), hrefs: links.map((a) => a.attrs.href as string) };
}

beforeEach(async () => {
  await clearDigestHistory();
  await env.DB.prepare("DELETE FROM subscribers").run();
  await env.DB.prepare("DELETE FROM confirmation_sends").run();
  await seedSubscribers({ prefix: "ann", count: 3, cadence: "daily", topics: ["ukraine"] });
  await seedSubscribers({ prefix: "bob", count: 2, cadence: "weekly", topics: ["budget"] });
  await seedSubscribers({ prefix: "pat", count: 2, cadence: "daily", status: "pending" });
  await env.DB.prepare(
    "UPDATE subscribers SET email = 'zoe@other.net', email_normalized = 'zoe@other.net' WHERE email = 'bob1@example.org'",
  ).run();
  const res = await call("/admin/sign-in", {
    method: "POST",
    headers: { ...FORM, Origin: SITE },
    body: new URLSearchParams({ token: "dev-admin-token" }),
  });
  cookie = (res.headers.get("Set-Cookie") ?? "").split(";")[0] as string;
});

describe("the list", () => {
  it("searches by the start of an address, each address a link by id, newest first without a query", async () => {
    const all = await page("/admin/subscribers");
    expect(all.status).toBe(200);
    const html = await all.text();
    const [label] = await select(html, "label[for=q]");
    expect(label?.text).toBe("Search subscribers");
    expect((await select(html, "title"))[0]?.text).toMatch(/^Subscribers ·/);
    expect((await select(html, "nav a[aria-current=page]"))[0]?.text).toBe("Subscribers");
    const { emails, hrefs } = await listed(html);
    expect(emails).toHaveLength(7);
    expect(emails[0]).toBe("pat1@example.org");
    for (const [i, href] of hrefs.entries()) {
      expect(href).toBe(`/admin/subscribers/${await idOf(emails[i] as string)}`);
      expect(href).not.toContain("@");
    }

    const ann = await (await page("/admin/subscribers?q=ANN")).text();
    expect((await listed(ann)).emails).toEqual(["ann0@example.org", "ann1@example.org", "ann2@example.org"]);
    expect((await select(ann, "input#q"))[0]?.attrs.value).toBe("ANN");
    expect((await select(ann, "title"))[0]?.text).toMatch(/^Subscribers starting “ANN”/);

    const domain = await (await page("/admin/subscribers?q=%40other")).text();
    expect((await listed(domain)).emails).toEqual(["zoe@other.net"]);
  });

  it("filters by status, cadence and topic, alone and with a search", async () => {
    const emailsAt = async (query: string) =>
      (await listed(await (await page(`/admin/subscribers?${query}`)).text())).emails;
    expect((await emailsAt("status=pending")).sort()).toEqual(["pat0@example.org", "pat1@example.org"]);
    expect((await emailsAt("cadence=weekly")).sort()).toEqual(["bob0@example.org", "zoe@other.net"]);
    // A reader who chose no topic gets every topic, so the topic filter finds them too.
    expect((await emailsAt("topic=budget")).sort()).toEqual([
      "bob0@example.org",
      "pat0@example.org",
      "pat1@example.org",
      "zoe@other.net",
    ]);
    expect(await emailsAt("q=a&status=confirmed&cadence=daily&topic=ukraine")).toEqual([
      "ann0@example.org",
      "ann1@example.org",
      "ann2@example.org",
    ]);
    // The blank choices of the form mean "any".
    expect(await emailsAt("q=bob&status=&cadence=&topic=")).toEqual(["bob0@example.org"]);
  });

  it("pages by a cursor: Next reaches every reader once, and the filter rides along", async () => {
    await seedSubscribers({ prefix: "many", count: 60, cadence: "weekly" });
    const first = await (await page("/admin/subscribers?cadence=weekly")).text();
    const one = await listed(first);
    expect(one.emails).toHaveLength(50);
    const [next] = (await select(first, "a")).filter((a) => a.text === "Next page");
    // Attribute values come as served: the HTML escapes the & between fields.
    const nextHref = (next?.attrs.href ?? "").replaceAll("&amp;", "&");
    expect(nextHref).toMatch(/^\/admin\/subscribers\?cadence=weekly&after=\d+$/);
    const second = await (await page(nextHref)).text();
    const two = await listed(second);
    expect(two.emails).toHaveLength(12);
    expect((await select(second, "a")).some((a) => a.text === "Next page")).toBe(false);
    expect((await select(second, "a")).find((a) => a.text === "First page")?.attrs.href).toBe(
      "/admin/subscribers?cadence=weekly",
    );
    expect(new Set([...one.emails, ...two.emails]).size).toBe(62);
  });

  it("a malformed search or filter: the same page, 400, the field and the reason, the input kept", async () => {
    const res = await page("/admin/subscribers?q=ann%01&status=gone&cadence=hourly");
    expect(res.status).toBe(400);
    const html = await res.text();
    const errors = (await select(html, "p.error")).map((p) => p.text);
    expect(errors).toContain("Search subscribers: must not contain control characters");
    expect(errors.some((e) => e.startsWith("Status: must be one of pending, confirmed"))).toBe(true);
    expect(errors.some((e) => e.startsWith("Cadence:"))).toBe(true);
    expect((await select(html, "input#q"))[0]?.attrs.value).toBe("ann\u0001");
    expect((await select(html, "input#q"))[0]?.attrs["aria-invalid"]).toBe("true");
    expect(await select(html, "tbody")).toHaveLength(0);

    for (const query of [
      "topic=Not%20a%20slug",
      "topic=unknown-topic",
      "after=abc",
      "after=-1",
      `q=${"a".repeat(300)}`,
    ]) {
      const bad = await page(`/admin/subscribers?${query}`);
      expect(bad.status, query).toBe(400);
      expect((await select(await bad.text(), "p.error")).length, query).toBe(1);
    }
  });

  it("signed out: the sign-in form, no list", async () => {
    const res = await call("/admin/subscribers");
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain("ann0@example.org");
  });
});

describe("a reader's page", () => {
  it("shows status, choices, dates and the history: joined, choices changed, each edition with its delivery", async () => {
    const id = await idOf("ann0@example.org");
    await env.DB.prepare(
      `INSERT INTO subscriber_events (subscriber_id, event, at, detail) VALUES
         (?1, 'confirmed', '2026-01-02T10:00:00.000Z', NULL),
         (?1, 'preferences', '2026-01-03T10:00:00.000Z', json_object('cadence', 'daily', 'topics', json_array('ukraine')))`,
    )
      .bind(id)
      .run();
    expect((await post("/admin/editions/run/daily")).status).toBe(303);
    await deliverQueued(content);
    const edition = `daily-${new Date().toISOString().slice(0, 10)}`;
    await env.DB.prepare("UPDATE deliveries SET delivered_at = '2026-12-01T07:01:00.000Z' WHERE subscriber_id = ?1")
      .bind(id)
      .run();

    const res = await page(`/admin/subscribers/${id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect((await select(html, "h1"))[0]?.text).toBe("ann0@example.org");
    expect((await select(html, "title"))[0]?.text).toMatch(/^ann0@example\.org ·/);
    const standing = (await select(html, "section[aria-labelledby=standing] td")).map((t) => t.text);
    expect(standing.slice(0, 3)).toEqual(["confirmed", "daily", "ukraine"]);
    const history = (await select(html, "section[aria-labelledby=history] tbody tr")).map((r) => r.text);
    expect(history[0]).toContain(`Edition ${edition} (daily)`);
    expect(history[0]).toContain("sent; delivered 2026-12-01 07:01 UTC");
    expect(history).toContainEqual(expect.stringContaining("Changed their choices"));
    expect(history).toContainEqual(expect.stringContaining("cadence: daily; topics: ukraine"));
    expect(history.at(-1)).toContain("Confirmed");
    // The actions, each leading to a confirmation first.
    const forms = await select(html, "section[aria-labelledby=reader-actions] form");
    expect(forms.map((f) => [f.attrs.method, f.attrs.action])).toEqual([
      ["get", `/admin/subscribers/${id}/unsubscribe`],
      ["get", `/admin/subscribers/${id}/erase`],
    ]);
    expect((await select(html, "section[aria-labelledby=reader-actions] button")).map((b) => b.text)).toEqual([
      "Unsubscribe",
      "Erase",
    ]);
  });

  it("an unknown or malformed id is a 404 page in the console's look", async () => {
    for (const path of [
      "/admin/subscribers/999999",
      "/admin/subscribers/0",
      "/admin/subscribers/abc",
      "/admin/subscribers/12345678901234567890",
      "/admin/subscribers/ann0%40example.org",
      "/admin/subscribers/999999/erase",
      "/admin/subscribers/1/rename",
    ]) {
      const res = await page(path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect((await select(html, "h1"))[0]?.text, path).toBe("No such subscriber");
      expect(
        (await select(html, "nav a")).map((a) => a.text),
        path,
      ).toContain("Subscribers");
    }
    expect((await post("/admin/subscribers/999999/erase")).status).toBe(404);
    expect((await post("/admin/subscribers/abc/unsubscribe")).status).toBe(404);
  });
});

describe("actions", () => {
  it("Unsubscribe: asks first and changes nothing, then unsubscribes and says so", async () => {
    const id = await idOf("ann1@example.org");
    const ask = await page(`/admin/subscribers/${id}/unsubscribe`);
    expect(ask.status).toBe(200);
    const askHtml = await ask.text();
    expect((await select(askHtml, "h1"))[0]?.text).toBe("Unsubscribe ann1@example.org?");
    const [form] = await select(askHtml, "main form");
    expect([form?.attrs.method, form?.attrs.action]).toEqual(["post", `/admin/subscribers/${id}/unsubscribe`]);
    expect((await rowOf(id))?.status).toBe("confirmed");

    const done = await post(`/admin/subscribers/${id}/unsubscribe`);
    expect(done.status).toBe(303);
    expect((await rowOf(id))?.status).toBe("unsubscribed");
    const after = await (await page(done.headers.get("Location") as string)).text();
    expect((await select(after, "[role=status]"))[0]?.text).toMatch(/^Unsubscribed/);
    expect((await select(after, "section[aria-labelledby=history] tbody tr"))[0]?.text).toContain("Unsubscribed");
    expect((await select(after, "section[aria-labelledby=reader-actions] button")).map((b) => b.text)).toEqual([
      "Erase",
    ]);
  });

  it("Erase: asks first, then erases as the API does (a hashed suppression stays) and the reader is gone from search", async () => {
    const id = await idOf("ann2@example.org");
    const ask = await (await page(`/admin/subscribers/${id}/erase`)).text();
    expect((await select(ask, "main form button"))[0]?.text).toBe("Erase");
    expect((await rowOf(id))?.erased_at).toBeNull();

    const res = await post(`/admin/subscribers/${id}/erase`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect((await select(html, "h1"))[0]?.text).toBe(`Reader #${id} is erased`);
    expect((await select(html, "main a")).map((a) => a.attrs.href)).toContain("/admin/subscribers");
    const row = await rowOf(id);
    expect(row?.erased_at).not.toBeNull();
    expect(row?.email).toMatch(/^erased:[0-9a-f]{64}$/);
    expect(row?.status).toBe("unsubscribed");
    expect(row?.suppressed_reason).toBe("erased on request");
    expect((await listed(await (await page("/admin/subscribers?q=ann2")).text())).emails).toEqual([]);

    // What is left: no address, no actions; erasing again changes nothing.
    const left = await (await page(`/admin/subscribers/${id}`)).text();
    expect((await select(left, "h1"))[0]?.text).toBe(`Erased reader #${id}`);
    expect(await select(left, "section[aria-labelledby=reader-actions] button")).toHaveLength(0);
    expect((await post(`/admin/subscribers/${id}/erase`)).status).toBe(200);
    expect((await rowOf(id))?.email).toBe(row?.email);
  });

  it("Resend confirmation: only for a pending reader, then not again within the cooldown, saying when", async () => {
    const pending = await idOf("pat0@example.org");
    const html = await (await page(`/admin/subscribers/${pending}`)).text();
    expect((await select(html, "section[aria-labelledby=reader-actions] button")).map((b) => b.text)).toEqual([
      "Unsubscribe",
      "Resend confirmation",
      "Erase",
    ]);
    const sent = await post(`/admin/subscribers/${pending}/confirmation`);
    expect(sent.status).toBe(303);
    const mails = await env.DB.prepare("SELECT kind FROM mail_log WHERE subscriber_id = ?1").bind(pending).all();
    expect(mails.results).toEqual([{ kind: "confirmation" }]);
    const after = await (await page(sent.headers.get("Location") as string)).text();
    expect((await select(after, "section[aria-labelledby=history] tbody tr"))[0]?.text).toContain(
      "Confirmation mail sent again",
    );

    const again = await post(`/admin/subscribers/${pending}/confirmation`);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("Retry-After"))).toBeGreaterThan(0);
    const refused = (await select(await again.text(), "[role=alert]"))[0]?.text ?? "";
    expect(refused).toMatch(/Try again after \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(
      await env.DB.prepare("SELECT COUNT(*) AS n FROM mail_log WHERE subscriber_id = ?1").bind(pending).first("n"),
    ).toBe(1);

    const confirmed = await idOf("ann0@example.org");
    expect((await post(`/admin/subscribers/${confirmed}/confirmation`)).status).toBe(200);
    expect(
      await env.DB.prepare("SELECT COUNT(*) AS n FROM mail_log WHERE subscriber_id = ?1").bind(confirmed).first("n"),
    ).toBe(0);
  });

  it("a form posted from another site, with a valid session: 403 and nothing changed", async () => {
    const id = await idOf("ann0@example.org");
    for (const action of ["erase", "unsubscribe"]) {
      expect((await post(`/admin/subscribers/${id}/${action}`, "https://evil.example")).status).toBe(403);
    }
    expect(await rowOf(id)).toMatchObject({ email: "ann0@example.org", status: "confirmed", erased_at: null });
  });
});

describe("export", () => {
  it("streams the current filter as CSV with a header row, as an attachment, formula cells defused", async () => {
    await env.DB.prepare(
      "UPDATE subscribers SET email = '=cmd@example.org', email_normalized = '=cmd@example.org' WHERE email = 'pat1@example.org'",
    ).run();
    const list = await (await page("/admin/subscribers?status=pending")).text();
    const [link] = (await select(list, "a")).filter((a) => a.text.startsWith("Export"));
    expect(link?.attrs.href).toBe("/admin/subscribers.csv?status=pending");
    const res = await page(link?.attrs.href as string);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="subscribers-filtered\.csv"$/);
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^email,cadence,tags,status,/);
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(["'=cmd@example.org", "pat0@example.org"]);

    const search = await (await page("/admin/subscribers.csv?q=%40example&cadence=daily&topic=ukraine")).text();
    expect(
      search
        .trimEnd()
        .split("\r\n")
        .slice(1)
        .map((l) => l.split(",")[0]),
    ).toEqual(["'=cmd@example.org", "ann0@example.org", "ann1@example.org", "ann2@example.org", "pat0@example.org"]);

    const whole = (await (await page("/admin/subscribers.csv")).text()).trimEnd().split("\r\n");
    expect(whole).toHaveLength(8);
  });

  it("a malformed filter: 400 problem+json naming the field", async () => {
    const res = await page("/admin/subscribers.csv?status=gone");
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(await res.json())).toContain('"field":"status"');
  });
});
