// The console's pages with real local D1: the editions list (newest first, paged, each a link by id),
// an edition's numbers (refreshing while in flight), Run now behind a confirmation, the preview of the
// next edition with Send test and the sample when nothing is new; the overview and the briefings.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { siteInfoOf } from "../src/content/briefing-index.ts";
import { publishedBy } from "../src/content/publication.ts";
import type { Content } from "../src/content/schema.ts";
import { seedSubscribers } from "./support/digest.ts";
import { briefingFile, compile } from "./support/fixtures.ts";
import { select } from "./support/html.ts";
import { clearDigestHistory, deliverQueued, queued, recordingEnv } from "./support/recorded-queues.ts";
import { outbox, SITE } from "./support/worker.ts";

const HOUR = 3_600_000;
const iso = (t: number) => new Date(t).toISOString();

const content: Content = compile(
  briefingFile("alpha", {
    title: "Alpha agreed",
    published: iso(Date.now() - 2 * HOUR),
    summary: "About alpha.",
    outcomes: [{ id: "outcome", headline: "What alpha decided." }],
  }),
  briefingFile("beta", {
    title: "Beta & co <met>",
    published: iso(Date.now() - HOUR),
    summary: "About beta.",
    outcomes: [{ id: "outcome", headline: "What beta decided." }],
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
const post = (path: string, fields: Record<string, string> = {}, origin = SITE) =>
  call(path, {
    method: "POST",
    headers: { ...FORM, Origin: origin, Cookie: cookie },
    body: new URLSearchParams(fields),
  });

const editionCount = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM editions").first<{ n: number }>())!.n;
const today = () => `daily-${new Date().toISOString().slice(0, 10)}`;

beforeEach(async () => {
  await clearDigestHistory();
  await env.DB.prepare("DELETE FROM subscribers").run();
  await seedSubscribers({ prefix: "console-reader", count: 3 });
  const res = await call("/admin/sign-in", {
    method: "POST",
    headers: { ...FORM, Origin: SITE },
    body: new URLSearchParams({ token: "dev-admin-token" }),
  });
  cookie = (res.headers.get("Set-Cookie") ?? "").split(";")[0] as string;
});

describe("Run now", () => {
  it("asks first: what the edition would carry and to how many, and starts nothing", async () => {
    const res = await page("/admin/editions/run/daily");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect((await select(html, "h1"))[0]?.text).toBe("Run the daily edition now?");
    expect((await select(html, "main li a")).map((a) => a.text)).toEqual(["Beta & co <met>", "Alpha agreed"]);
    expect(html).toMatch(/to <strong>3<\/strong> readers/);
    expect((await select(html, "main form button")).map((b) => b.text)).toEqual(["Run now"]);
    expect(await editionCount()).toBe(0);
  });

  it("starts the edition through the same path as the cron, and its page shows it going out, then done", async () => {
    const res = await post("/admin/editions/run/daily");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/admin/editions/${today()}`);
    expect(await editionCount()).toBe(1);

    const flyingRes = await page(`/admin/editions/${today()}`);
    // The CSP lets in the console's own script and its polling, nothing inline.
    const csp = flyingRes.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const flying = await flyingRes.text();
    expect((await select(flying, "h1"))[0]?.text).toBe(`Edition ${today()}`);
    const [live] = await select(flying, "[data-progress-url]");
    expect(live?.attrs["data-progress-url"]).toBe(`/admin/digests/${today()}`);
    expect((await select(flying, "a")).some((a) => a.text === "Refresh")).toBe(true);
    expect(await select(flying, 'script[src="/admin/console.js"]')).toHaveLength(1);
    // The JSON progress the script polls answers to the same session.
    expect((await page(`/admin/digests/${today()}`)).status).toBe(200);

    await deliverQueued(content);
    const done = await (await page(`/admin/editions/${today()}`)).text();
    expect(await select(done, "[data-progress-url]")).toHaveLength(0);
    expect((await select(done, "strong[data-field=status]"))[0]?.text).toBe("done");
    expect((await select(done, "td[data-field=sent]"))[0]?.text).toBe("3");
    expect((await select(done, "td[data-field=failed]"))[0]?.text).toBe("0");
    expect((await select(done, "td[data-field=pending]"))[0]?.text).toBe("0");
    expect(done).toMatch(/per minute/);
    expect((await outbox()).filter((m) => m.to.startsWith("console-reader"))).toHaveLength(3);
  });

  it("a second Run now the same day starts nothing new: it leads to the edition already sent", async () => {
    await post("/admin/editions/run/daily");
    await deliverQueued(content);
    const again = await post("/admin/editions/run/daily");
    expect(again.status).toBe(303);
    expect(again.headers.get("Location")).toBe(`/admin/editions/${today()}`);
    expect(await editionCount()).toBe(1);
    expect(queued).toHaveLength(0);
  });

  it("a Run now posted from another site, with a valid session: 403 and no edition", async () => {
    const res = await post("/admin/editions/run/daily", {}, "https://evil.example");
    expect(res.status).toBe(403);
    expect(await editionCount()).toBe(0);
    expect(queued).toHaveLength(0);
  });

  it("an unknown cadence is a 404 page, not an error", async () => {
    expect((await page("/admin/editions/run/hourly")).status).toBe(404);
    expect((await post("/admin/editions/run/hourly")).status).toBe(404);
  });
});

describe("the editions list", () => {
  it("lists every edition newest first, each a link by id, a page at a time without repeats", async () => {
    const insert = env.DB.prepare(
      `INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, created_at, updated_at, recipients)
       VALUES (?1, 'daily', ?2, ?2, '["alpha"]', '[]', 'done', ?2, ?2, 10)`,
    );
    const base = Date.parse("2026-01-01T07:00:00Z");
    await env.DB.batch(
      Array.from({ length: 25 }, (_, i) =>
        insert.bind(`daily-test-${String(i).padStart(2, "0")}`, iso(base + i * 86_400_000)),
      ),
    );
    const first = await (await page("/admin/editions")).text();
    const links = (await select(first, "tbody th a")).map((a) => a.attrs.href);
    expect(links).toHaveLength(20);
    expect(links[0]).toBe("/admin/editions/daily-test-24");
    const older = (await select(first, "a")).find((a) => a.text === "Older editions")?.attrs.href;
    expect(older).toBeTruthy();
    const second = await (await page(older as string)).text();
    const rest = (await select(second, "tbody th a")).map((a) => a.attrs.href);
    expect(rest).toEqual([4, 3, 2, 1, 0].map((i) => `/admin/editions/daily-test-0${i}`));
    expect((await select(second, "a")).some((a) => a.text === "Older editions")).toBe(false);
  });

  it("an unknown edition is a 404 page", async () => {
    expect((await page("/admin/editions/daily-1999-01-01")).status).toBe(404);
  });
});

describe("the preview of the next edition", () => {
  it("shows the subject, the mail in a sandboxed frame and its text part, and writes nothing", async () => {
    const res = await page("/admin/editions/preview/daily");
    expect(res.status).toBe(200);
    const html = await res.text();
    const [frame] = await select(html, "iframe");
    expect(frame?.attrs.sandbox).toBe("");
    expect(frame?.attrs.src).toBe("/admin/preview/daily/mail");
    expect((await select(html, "pre.mail-text"))[0]?.text).toContain("What beta decided.");
    const mail = await page("/admin/preview/daily/mail");
    expect(mail.headers.get("Content-Security-Policy")).toContain("sandbox");
    expect(await mail.text()).toContain("What alpha decided.");
    expect(await editionCount()).toBe(0);
  });

  it("Send test: a malformed address is named with its reason on the same page, the input kept", async () => {
    const res = await post("/admin/editions/preview/daily/test", { to: "not an address" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect((await select(html, "#to-error"))[0]?.text).toMatch(/^Test address: /);
    const [input] = await select(html, "input#to");
    expect(input?.attrs.value).toBe("not an address");
    expect(input?.attrs["aria-invalid"]).toBe("true");
  });

  it("Send test mails the preview, marked as a test, to that address only", async () => {
    const res = await post("/admin/editions/preview/daily/test", { to: "Publisher.Test@example.org" });
    expect(res.status).toBe(200);
    expect((await select(await res.text(), "[role=status]"))[0]?.text).toMatch(/^Test sent to /);
    const sent = (await outbox()).filter((m) => m.subject.startsWith("[Test]"));
    expect(sent.map((m) => m.to)).toContain("Publisher.Test@example.org");
    expect(await editionCount()).toBe(0);
  });

  it("when the next edition would carry nothing, says so and offers the latest briefing as a labelled sample", async () => {
    await post("/admin/editions/run/daily");
    await deliverQueued(content);
    const html = await (await page("/admin/editions/preview/daily")).text();
    expect(html).toContain("Nothing new to send");
    expect(html).toContain("<strong>sample</strong>");
    expect((await select(html, "iframe"))[0]?.attrs.title).toMatch(/^Sample mail: /);
    expect(await (await page("/admin/preview/daily/mail")).text()).toContain("What beta decided.");
    const test = await post("/admin/editions/preview/daily/test", { to: "sample.test@example.org" });
    expect(test.status).toBe(200);
    expect((await outbox()).some((m) => m.to === "sample.test@example.org")).toBe(true);
    const confirm = await (await page("/admin/editions/run/daily")).text();
    expect(confirm).toContain("Nothing to send");
    expect(await select(confirm, "main form button")).toHaveLength(0);
  });
});

describe("the overview", () => {
  it("counts the list, flags rates over the providers' limits, and reports health", async () => {
    await seedSubscribers({ prefix: "console-pending", count: 1, status: "pending" });
    await post("/admin/editions/run/daily");
    await deliverQueued(content);
    // One of three bounced: 33 % is over the 4 % providers tolerate; no complaint.
    await env.DB.prepare("UPDATE deliveries SET bounced_at = ?1 WHERE rowid = (SELECT MIN(rowid) FROM deliveries)")
      .bind(iso(Date.now()))
      .run();
    await env.DB.prepare(
      `INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, created_at, updated_at)
       VALUES ('weekly-stuck', 'weekly', ?1, ?1, '["alpha"]', '[]', 'sending', ?1, ?1)`,
    )
      .bind(iso(Date.now() - 2 * HOUR))
      .run();
    // A batch given up on the stuck edition, and the provider holding calls for a spent quota.
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO edition_chunks (edition_id, chunk, status, recipients, last_error, updated_at) VALUES ('weekly-stuck', 0, 'failed', 100, 'dead-lettered', ?1)",
      ).bind(iso(Date.now())),
      env.DB.prepare(
        "INSERT INTO provider_state (provider, paused_until, pause_reason, updated_at) VALUES ('resend', ?1, 'daily quota spent', ?2)",
      ).bind(iso(Date.now() + 5 * HOUR), iso(Date.now())),
      // Two confirmation mails given up and one sent: only the given-up ones count.
      ...["failed", "failed", "sent"].map((status, i) =>
        env.DB.prepare(
          "INSERT INTO mail_log (idempotency_key, kind, subscriber_id, status, created_at, updated_at) VALUES (?1, 'confirmation', NULL, ?2, ?3, ?3)",
        ).bind(`overview-mail-${i}`, status, `2026-12-0${i + 1}T08:30:00.000Z`),
      ),
    ]);
    const res = await page("/admin/");
    expect(res.status).toBe(200);
    const html = await res.text();
    const tiles = (await select(html, ".tiles li")).map((t) => t.text.replace(/\s+/g, " ").trim());
    expect(tiles).toContain("3 confirmed");
    expect(tiles).toContain("1 pending");
    const row = (await select(html, "section[aria-labelledby=last-editions] tbody td")).map((t) => t.text);
    expect(row).toContain("33.3 % (too high)");
    expect(row).toContain("0 %");
    expect(html).toMatch(/weekly-stuck<\/a>: sending — <span class="flag">stuck: no progress for/);
    expect(html).toContain("the local outbox");
    expect(html).toMatch(/Digest batches given up \(dead-lettered or refused\): <span class="flag">1<\/span>/);
    expect(html).toMatch(
      /Confirmation and welcome mails given up \(23 h unsent or dead-lettered\): <span class="flag">2<\/span>, the last at 2026-12-02 08:30 UTC/,
    );
    expect(html).toMatch(
      /Provider back-off: <span class="flag">holding calls until [^<]+ UTC<\/span> \(daily quota spent\)/,
    );
    // .dev.vars.example holds a development secret; an older .dev.vars may have it empty.
    expect(html).toMatch(
      env.RESEND_WEBHOOK_SECRET
        ? /RESEND_WEBHOOK_SECRET<\/code>\): set/
        : /RESEND_WEBHOOK_SECRET<\/code>\): <span class="flag">not set/,
    );
    expect((await select(html, "section[aria-labelledby=health] li")).map((l) => l.text.split(":")[0])).toEqual(
      expect.arrayContaining(["instant", "daily", "weekly"]),
    );
  });
});

describe("the overview's list", () => {
  const DAY = 86_400_000;
  const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
  const tiles = async (html: string, list: string) =>
    (await select(html, `ul[aria-label="${list}"] li`)).map((t) => t.text.replace(/\s+/g, " ").trim());

  it("tiles per status (suppressed split into bounced and complained), per cadence and per topic, from the kept counts", async () => {
    await seedSubscribers({ prefix: "ov-weekly", count: 2, cadence: "weekly", topics: ["nato"] });
    await seedSubscribers({ prefix: "ov-bounced", count: 2, status: "bounced" });
    await seedSubscribers({ prefix: "ov-complained", count: 1, status: "complained" });
    await seedSubscribers({ prefix: "ov-left", count: 1, status: "unsubscribed" });
    const html = await (await page("/admin/")).text();
    expect(await tiles(html, "By status")).toEqual([
      "5 confirmed",
      "0 pending",
      "1 unsubscribed",
      "3 suppressed (2 bounced, 1 complained)",
    ]);
    expect(await tiles(html, "Confirmed by cadence")).toEqual(["0 instant", "3 daily", "2 weekly"]);
    expect(await tiles(html, "Confirmed by topic")).toEqual(["2 nato", "3 every topic (chose none)"]);
  });

  it("charts 90 days of subscribers as inline SVG with a name, and a table of the same figures", async () => {
    const now = Date.now();
    // A day rebuilt when the record began, and a day recorded as it happened.
    await env.DB.batch([
      env.DB.prepare("DELETE FROM subscriber_days WHERE day < ?1").bind(dayOf(now)),
      env.DB.prepare(
        "INSERT INTO subscriber_days (day, joins, leaves, confirmed, reconstructed) VALUES (?1, 7, 2, 40, 1), (?2, 4, 1, 43, 0)",
      ).bind(dayOf(now - 30 * DAY), dayOf(now - 10 * DAY)),
    ]);
    const html = await (await page("/admin/")).text();
    const [svg] = await select(html, "section[aria-labelledby=growth] svg");
    expect(svg?.attrs.role).toBe("img");
    expect((await select(html, "svg title"))[0]?.text).toMatch(/^Confirmed subscribers over the last 90 days/);
    expect(await select(html, "svg polyline")).toHaveLength(1);
    const rows = await select(html, "section[aria-labelledby=growth] tbody tr");
    expect(rows).toHaveLength(90);
    const cells = async (day: string) =>
      (await select(html, `section[aria-labelledby=growth] tr[data-day="${day}"] > *`)).map((c) => c.text.trim());
    expect(await cells(dayOf(now - 30 * DAY))).toEqual([dayOf(now - 30 * DAY), "40", "7", "2", "reconstructed"]);
    // Days without a change carry the total forward.
    expect(await cells(dayOf(now - 29 * DAY))).toEqual([dayOf(now - 29 * DAY), "40", "0", "0", "reconstructed"]);
    expect(await cells(dayOf(now - 10 * DAY))).toEqual([dayOf(now - 10 * DAY), "43", "4", "1", ""]);
    expect((await cells(dayOf(now)))[1]).toBe("3");
    expect(html).toMatch(/Days marked “reconstructed”/);
  });
});

describe("the briefings", () => {
  it("lists each briefing with its date, the editions that carried it and links to its page and feeds", async () => {
    await post("/admin/editions/run/daily");
    const html = await (await page("/admin/briefings")).text();
    const titles = (await select(html, "tbody th a")).map((a) => [a.text, a.attrs.href]);
    expect(titles).toEqual([
      ["Beta & co <met>", "/briefings/beta"],
      ["Alpha agreed", "/briefings/alpha"],
    ]);
    const carried = (await select(html, "tbody td a")).map((a) => a.attrs.href);
    expect(carried.filter((h) => h === `/admin/editions/${today()}`)).toHaveLength(2);
    expect((await select(html, "main p a")).map((a) => a.attrs.href)).toEqual(["/feed.xml", "/atom.xml", "/feed.json"]);
  });
});

describe("scheduled briefings in the console", () => {
  const later = Date.parse("2031-03-02T09:00:00Z");
  const withScheduled: Content = compile(
    briefingFile("now-out", {
      title: "Out already",
      published: iso(Date.now() - HOUR),
      summary: "Out.",
      outcomes: [{ id: "outcome", headline: "Done." }],
    }),
    briefingFile("under-embargo", {
      title: "Under embargo",
      published: iso(later),
      summary: "Not yet.",
      outcomes: [{ id: "outcome", headline: "Later." }],
    }),
  );
  // As the Worker's index: the briefings published by the moment asked (default now).
  const app = createApp(siteInfoOf(publishedBy(withScheduled, Date.now())), {
    briefingIndex: async (_env, at) => publishedBy(withScheduled, (at ?? new Date()).getTime()),
  });
  const admin = async (path: string) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`${SITE}${path}`, { headers: { Authorization: "Bearer dev-admin-token" } }),
      recordingEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  };

  it("lists a scheduled briefing as scheduled with its time, without a link to its page yet", async () => {
    const html = await (await admin("/admin/briefings")).text();
    const rows = await select(html, "tbody tr");
    expect(rows.map((r) => r.text.replace(/\s+/g, " ").trim())).toEqual([
      expect.stringContaining("Under embargo Scheduled: publishes 2031-03-02 09:00 UTC"),
      expect.stringContaining("Out already"),
    ]);
    expect((await select(html, "tbody th a")).map((a) => a.attrs.href)).toEqual(["/briefings/now-out"]);
  });

  it("shows in the preview what is scheduled, when, and that the next edition does not carry it", async () => {
    const html = await (await admin("/admin/editions/preview/daily")).text();
    expect(html).toContain("Under embargo: publishes 2031-03-02 09:00 UTC; in a later edition");
    const mail = await (await admin("/admin/preview/daily/mail")).text();
    expect(mail).toContain("Out already");
    expect(mail).not.toContain("Under embargo");
  });
});
