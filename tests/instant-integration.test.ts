// Instant alerts end to end with real local D1: the Worker's own cron handler fed content that changes
// between runs (a deploy between two quarter hours), the queue consumer sending through the outbox,
// and readers who change their cadence with the preferences link in their mail.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { Content } from "../src/content/schema.ts";
import { handleScheduled } from "../src/digest/consumer.ts";
import { createDocumentApp } from "../src/documents/app.ts";
import { seedSubscribers } from "./support/digest.ts";
import { briefingFile, compile, SEED_FILE } from "./support/fixtures.ts";
import { clearDigestHistory, deliverQueued, recordingEnv } from "./support/recorded-queues.ts";
import {
  ADMIN,
  get,
  linkIn,
  mailsTo,
  type OutboxMessage,
  outbox,
  postForm,
  postJson,
  row,
  SITE,
} from "./support/worker.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const QUARTER = "*/15 * * * *";
const DIGEST = "0 7 * * *";

/** `hh:mm` UTC, `daysAgo` days before today. */
function at(daysAgo: number, hh: number, mm = 0): number {
  const today = new Date();
  return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), hh, mm) - daysAgo * DAY;
}
const iso = (t: number) => new Date(t).toISOString();

function briefing(slug: string, published: number, tags = ["alerts"]) {
  return briefingFile(slug, {
    title: `Briefing ${slug}`,
    published: iso(published),
    summary: `About ${slug}.`,
    tags,
    outcomes: [{ id: "outcome", headline: `What ${slug} decided.` }],
  });
}

/** The site as deployed: these briefings, each published at the given time. */
function site(...files: ReturnType<typeof briefing>[]): Content {
  return compile(...files);
}

/** One cron invocation, then everything it queued (planning, sending) through the queue consumer. */
async function cron(time: number, content: Content, expression = QUARTER) {
  await handleScheduled(createScheduledController({ scheduledTime: time, cron: expression }), recordingEnv, content);
  await deliverQueued(content);
}

/** Each mail to `address` so far, oldest first, with the briefings it links to in its text. */
async function mailsFor(address: string): Promise<(OutboxMessage & { briefings: string[] })[]> {
  return (await outbox())
    .filter((m) => m.to === address)
    .reverse()
    .map((m) => ({ ...m, briefings: [...m.text.matchAll(/\/briefings\/([a-z0-9-]+)/g)].map((x) => x[1] as string) }))
    .map((m) => ({ ...m, briefings: [...new Set(m.briefings)].sort() }));
}

let story = 0;
beforeEach(async () => {
  // Each story starts from an empty digest history, its own readers and an empty outbox.
  story++;
  await clearDigestHistory();
});

describe("instant alerts", () => {
  it("a briefing deployed at 10:02 reaches instant readers in the 10:15 run, not again at 10:30, and daily readers the next morning", async () => {
    const [instant] = await seedSubscribers({ prefix: `i${story}-`, count: 1, cadence: "instant" });
    const [daily] = await seedSubscribers({ prefix: `d${story}-`, count: 1, cadence: "daily" });
    const before = site();
    const after = site(briefing("fresh", at(2, 10)));

    await cron(at(2, 10), before); // 10:00: the briefing is not deployed yet
    await cron(at(2, 10, 15), after); // deployed at 10:02
    const alerts = await mailsFor(instant!);
    expect(alerts.map((m) => m.briefings)).toEqual([["fresh"]]);
    expect(alerts[0]?.subject).toContain("Briefing fresh");
    expect(await mailsFor(daily!)).toEqual([]);

    await cron(at(2, 10, 30), after);
    await cron(at(2, 10, 45), after);
    expect(await mailsFor(instant!)).toHaveLength(1);

    await cron(at(1, 7), after, DIGEST);
    expect((await mailsFor(daily!)).map((m) => m.briefings)).toEqual([["fresh"]]);
    // The instant reader is not a daily reader: the morning digest is not theirs.
    expect(await mailsFor(instant!)).toHaveLength(1);
  });

  it("briefings that appear in the same quarter hour go into one mail; the next quarter hour's go into the next", async () => {
    const [instant] = await seedSubscribers({ prefix: `i${story}-`, count: 1, cadence: "instant" });
    const a = briefing("alpha", at(2, 9, 58));
    const b = briefing("beta", at(2, 10, 5));
    const c = briefing("gamma", at(2, 10, 20));
    await cron(at(2, 10), site());
    await cron(at(2, 10, 15), site(a, b)); // both deployed between 10:00 and 10:15
    await cron(at(2, 10, 30), site(a, b, c));
    expect((await mailsFor(instant!)).map((m) => m.briefings)).toEqual([["alpha", "beta"], ["gamma"]]);
  });

  it("is the digest engine's edition: instant-<quarter hour>, the ledger, the archive page and the one-click headers", async () => {
    const [instant] = await seedSubscribers({ prefix: `i${story}-`, count: 1, cadence: "instant" });
    await cron(at(2, 11, 15), site(briefing("ledgered", at(2, 11, 5))));
    const [mail] = await mailsFor(instant!);
    const quarter = new Date(at(2, 11, 15)).toISOString().slice(0, 16).replace(/[-:]/g, "");
    const edition = `instant-${quarter}Z`;
    expect(mail?.headers["List-Unsubscribe"]).toMatch(/^<http:\/\/localhost:8787\/unsubscribe\/[^>]+>$/);
    expect(mail?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail?.text).toContain(`/digests/${edition}`);
    const delivery = await env.DB.prepare(
      "SELECT d.status FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.edition_id = ?1 AND s.email = ?2",
    )
      .bind(edition, instant)
      .first<{ status: string }>();
    expect(delivery?.status).toBe("sent");
    const page = await get(`/digests/${edition}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Instant alert");
    expect(await (await get("/digests")).text()).toContain(`/digests/${edition}`);
  });

  it("lists no instant edition that reached nobody in the archive", async () => {
    await cron(at(2, 13, 15), site(briefing("unread", at(2, 13, 5))));
    const edition = await env.DB.prepare(
      "SELECT id, recipients, status FROM editions WHERE cadence = 'instant'",
    ).first<{
      id: string;
      recipients: number;
      status: string;
    }>();
    expect(edition).toMatchObject({ recipients: 0, status: "done" });
    expect(await (await get("/digests")).text()).not.toContain(`/digests/${edition?.id}`);
  });

  it("mails no backfill and nothing to readers whose topics miss the briefing", async () => {
    const [instant] = await seedSubscribers({ prefix: `i${story}-`, count: 1, cadence: "instant" });
    const [elsewhere] = await seedSubscribers({
      prefix: `t${story}-`,
      count: 1,
      cadence: "instant",
      topics: ["elsewhere"],
    });
    // Published a month before it was deployed: an archive import, not news.
    await cron(at(2, 12, 15), site(briefing("archived", at(32, 12))));
    expect(await mailsFor(instant!)).toEqual([]);
    await cron(at(2, 12, 30), site(briefing("archived", at(32, 12)), briefing("news", at(2, 12, 20))));
    expect((await mailsFor(instant!)).map((m) => m.briefings)).toEqual([["news"]]);
    expect(await mailsFor(elsewhere!)).toEqual([]);
  });

  it("a reader who switches from instant to daily mid-day gets each briefing once", async () => {
    const [reader] = await seedSubscribers({ prefix: `s${story}-`, count: 1, cadence: "instant" });
    const [daily] = await seedSubscribers({ prefix: `d${story}-`, count: 1, cadence: "daily" });
    const morning = briefing("morning", at(2, 10));
    const afternoon = briefing("afternoon", at(2, 15));
    await cron(at(2, 10, 15), site(morning));
    const [alert] = await mailsFor(reader!);
    expect(alert?.briefings).toEqual(["morning"]);

    // At noon the reader follows the preferences link in that alert and picks daily.
    const saved = await postForm(linkIn(alert!.text, "preferences"), { cadence: "daily" });
    expect(saved.status).toBe(200);
    await cron(at(2, 15, 15), site(morning, afternoon));
    expect(await mailsFor(reader!)).toHaveLength(1);

    await cron(at(1, 7), site(morning, afternoon), DIGEST);
    const mails = await mailsFor(reader!);
    expect(mails.map((m) => m.briefings)).toEqual([["morning"], ["afternoon"]]);
    // Readers who were daily all along get both in the digest.
    expect((await mailsFor(daily!)).map((m) => m.briefings)).toEqual([["afternoon", "morning"]]);
  });
});

describe("readers choose instant wherever a cadence is chosen", () => {
  /** The subscription is written after the response: its confirmation mail shows it is done. */
  const cadenceOf = async (email: string) => {
    await mailsTo(email);
    return (await row(email))?.cadence;
  };

  it("the JSON API takes it, and names the field and the choices for anything else", async () => {
    const email = `json${story}@example.org`;
    expect((await postJson("/subscribe", { email, cadence: "instant" })).status).toBe(202);
    expect(await cadenceOf(email)).toBe("instant");
    // The confirmation and welcome mails say what an instant reader gets.
    const [confirmation] = await mailsTo(email);
    expect(confirmation?.text).toContain("the key outcomes of each new briefing within 15 minutes of its appearing");
    await get(linkIn(confirmation!.text, "confirm"), { method: "POST" });
    const welcome = (await mailsTo(email, 2)).find((m) => m.subject.startsWith("You're subscribed"));
    expect(welcome?.text).toContain("Within 15 minutes of a new briefing appearing on the site");
    const bad = await postJson("/subscribe", { email: `bad${story}@example.org`, cadence: "hourly" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("Content-Type")).toContain("application/problem+json");
    expect(((await bad.json()) as { errors: unknown[] }).errors).toEqual([
      { field: "cadence", reason: 'must be "instant", "daily" or "weekly"' },
    ]);
  });

  it("the form on the home page offers it and the preferences page saves it", async () => {
    // The home page is a static document: asked of the documents app, as the build asks it.
    const documents = createDocumentApp(compile(SEED_FILE), { base: SITE });
    const home = await (await documents.request("/")).text();
    expect(home).toContain('name="cadence" value="instant"');
    const email = `form${story}@example.org`;
    const page = await postForm("/subscribe", { email, cadence: "instant" });
    expect(page.status).toBe(200);
    expect(await cadenceOf(email)).toBe("instant");

    const [reader] = await seedSubscribers({ prefix: `p${story}-`, count: 1, cadence: "daily" });
    await cron(at(2, 16, 15), site());
    await cron(at(1, 7), site(briefing("prefs", at(2, 16))), DIGEST);
    const [digest] = await mailsFor(reader!);
    const link = linkIn(digest!.text, "preferences");
    expect(await (await get(link)).text()).toContain('name="cadence" value="instant"');
    expect((await postForm(link, { cadence: "instant" })).status).toBe(200);
    expect((await row(reader!))?.cadence).toBe("instant");
  });

  it("the CSV import takes it, and the stats count it", async () => {
    const email = `csv${story}@example.org`;
    const res = await get("/admin/subscribers/import", {
      method: "POST",
      headers: { "Content-Type": "text/csv", ...ADMIN },
      body: `email,cadence\n${email},Instant\nhourly${story}@example.org,hourly\n`,
    });
    expect(await res.json()).toMatchObject({
      added: 1,
      invalid: [{ line: 3, reason: 'cadence must be "instant", "daily" or "weekly"' }],
    });
    expect((await row(email))?.cadence).toBe("instant");
    const stats = (await (await get("/admin/stats", { headers: ADMIN })).json()) as {
      confirmedByCadence: Record<string, number>;
    };
    const confirmed = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM subscribers WHERE status = 'confirmed' AND cadence = 'instant'",
    ).first<{ n: number }>();
    expect(stats.confirmedByCadence.instant).toBe(confirmed?.n);
    expect(confirmed?.n).toBeGreaterThan(0);
  });
});
