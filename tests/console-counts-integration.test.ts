// The console's counts with real local D1: the counts kept by triggers on `subscribers` equal a
// COUNT(*) over the table after every way a reader joins, changes or leaves; GET /admin/stats reads
// them; and the daily record of joins, leaves and the confirmed total follows the same changes.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleEvent } from "../src/digest/webhooks.ts";
import { keptCounts } from "../src/subscriptions/counts.ts";
import { subscriberGrowth } from "../src/subscriptions/growth.ts";
import { expireStale } from "../src/subscriptions/retention.ts";
import { ADMIN, get, linkIn, mailsTo, postForm, postJson } from "./support/worker.ts";

const db = () => env.DB;

/** What the kept counts must equal: counted over the whole table, as the stats did before. */
async function counted() {
  const { results: byStatusAndCadence } = await db()
    .prepare(
      "SELECT status, cadence, COUNT(*) AS count FROM subscribers GROUP BY status, cadence ORDER BY status, cadence",
    )
    .all();
  const { results: topics } = await db()
    .prepare(
      `SELECT t.value AS topic, COUNT(*) AS n FROM subscribers AS s,
         json_each(CASE WHEN s.topics = '[]' THEN '[""]' ELSE s.topics END) AS t
       WHERE s.status = 'confirmed' GROUP BY t.value ORDER BY t.value`,
    )
    .all<{ topic: string; n: number }>();
  return {
    byStatusAndCadence,
    confirmedByTopic: Object.fromEntries(topics.filter((t) => t.topic !== "").map((t) => [t.topic, t.n])),
    confirmedEveryTopic: topics.find((t) => t.topic === "")?.n ?? 0,
  };
}

async function expectKeptEqualsCounted(step: string) {
  expect(await keptCounts(db()), step).toEqual(await counted());
}

const today = () => new Date().toISOString().slice(0, 10);

async function todayRow() {
  return (
    (await db()
      .prepare("SELECT joins, leaves, confirmed FROM subscriber_days WHERE day = ?1")
      .bind(today())
      .first<{ joins: number; leaves: number; confirmed: number }>()) ?? { joins: 0, leaves: 0, confirmed: 0 }
  );
}

async function confirmedNow(): Promise<number> {
  return (await db()
    .prepare("SELECT COUNT(*) AS n FROM subscribers WHERE status = 'confirmed'")
    .first<number>("n")) as number;
}

async function subscribe(email: string, body: Record<string, unknown> = {}) {
  await postJson("/subscribe", { email, ...body });
  const [mail] = await mailsTo(email, 1, 20_000);
  return linkIn(mail!.text, "confirm");
}

describe("kept counts", () => {
  it("equal COUNT(*) over the table through subscribe, confirm, preferences, unsubscribe, bounce, complaint, erase, import and expiry", {
    timeout: 30_000,
  }, async () => {
    await expectKeptEqualsCounted("empty list");
    const before = await todayRow();

    const ann = "counts-ann@example.org";
    const annConfirm = await subscribe(ann, { cadence: "weekly", tags: ["nato"] });
    await expectKeptEqualsCounted("subscribed (pending)");
    await get(annConfirm, { method: "POST" });
    await expectKeptEqualsCounted("confirmed");
    const welcome = (await mailsTo(ann, 2, 20_000)).find((m) => m.subject.startsWith("You're subscribed"))!;

    const saved = await postForm(linkIn(welcome.text, "preferences"), {
      cadence: "daily",
      topics: ["ukraine", "nato"],
    });
    expect(saved.status).toBe(200);
    await expectKeptEqualsCounted("cadence and topics changed");

    const bob = "counts-bob@example.org";
    await get(await subscribe(bob), { method: "POST" });
    await expectKeptEqualsCounted("second reader confirmed, every topic");
    const bobWelcome = (await mailsTo(bob, 2, 20_000)).find((m) => m.subject.startsWith("You're subscribed"))!;
    await postForm(linkIn(bobWelcome.text, "unsubscribe"), { "List-Unsubscribe": "One-Click" });
    await expectKeptEqualsCounted("unsubscribed");

    const csv =
      "email,cadence,tags\ncounts-cy@example.org,instant,ukraine\ncounts-di@example.org,,\ncounts-ann@example.org,weekly,\n";
    const imported = await get("/admin/subscribers/import", {
      method: "POST",
      headers: { "Content-Type": "text/csv", ...ADMIN },
      body: csv,
    });
    expect(await imported.json()).toMatchObject({ added: 2, updated: 1 });
    await expectKeptEqualsCounted("CSV import: two added, one updated");

    const now = new Date().toISOString();
    await handleEvent(
      db(),
      "msg_counts_bounce",
      { type: "email.bounced", data: { to: ["counts-cy@example.org"], bounce: { type: "Permanent" } } },
      now,
    );
    await expectKeptEqualsCounted("hard bounce");
    await handleEvent(db(), "msg_counts_complaint", { type: "email.complained", data: { to: [ann] } }, now);
    await expectKeptEqualsCounted("complaint");

    const erased = await get("/admin/subscribers/erase", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "application/json" },
      body: JSON.stringify({ email: "counts-di@example.org" }),
    });
    expect(erased.status).toBe(200);
    await expectKeptEqualsCounted("erased");

    await subscribe("counts-eve@example.org");
    await expectKeptEqualsCounted("a pending sign-up");
    const expired = await expireStale(db(), new Date(Date.now() + 8 * 86_400_000));
    expect(expired.expiredPending).toBeGreaterThan(0);
    await expectKeptEqualsCounted("pending sign-ups expired (rows deleted)");

    // Today: ann, bob, cy, di joined (4); bob, cy, ann, di left (4); the total is the table's.
    const after = await todayRow();
    expect(after.joins - before.joins).toBe(4);
    expect(after.leaves - before.leaves).toBe(4);
    expect(after.confirmed).toBe(await confirmedNow());
  });

  it("GET /admin/stats answers from the kept counts, with suppressed and per-topic counts, in the same shape", {
    timeout: 30_000,
  }, async () => {
    await get(await subscribe("stats-fay@example.org", { tags: ["indo-pacific"] }), { method: "POST" });
    // A change the triggers see but the stats must not count from the table: the answer is the kept one.
    const stats = (await (await get("/admin/stats", { headers: ADMIN })).json()) as Record<string, unknown>;
    const table = await counted();
    const byStatus = Object.fromEntries(
      ["pending", "confirmed", "unsubscribed", "bounced", "complained"].map((s) => [
        s,
        (table.byStatusAndCadence as { status: string; count: number }[])
          .filter((r) => r.status === s)
          .reduce((n, r) => n + r.count, 0),
      ]),
    );
    expect(stats).toMatchObject({
      total: Object.values(byStatus).reduce((a, b) => a + b, 0),
      byStatus,
      byStatusAndCadence: table.byStatusAndCadence,
      suppressed: { bounced: byStatus.bounced, complained: byStatus.complained },
      confirmedByTopic: table.confirmedByTopic,
      confirmedEveryTopic: table.confirmedEveryTopic,
    });
    expect((stats.confirmedByTopic as Record<string, number>)["indo-pacific"]).toBeGreaterThanOrEqual(1);
    expect(Object.keys(stats.confirmedByCadence as object).sort()).toEqual(["daily", "instant", "weekly"]);
  });
});

describe("growth over 90 days", () => {
  it("gives every one of the last 90 days, today's joins and leaves and the confirmed total carried forward", async () => {
    const growth = await subscriberGrowth(db());
    expect(growth.days).toHaveLength(90);
    const last = growth.days.at(-1)!;
    expect(last.day).toBe(today());
    expect(last.confirmed).toBe(await confirmedNow());
    expect(last).toMatchObject(await todayRow());
    // The record started with this database (the migration's day): nothing before it was recorded.
    expect(growth.recordedSince).toBe(today());
    expect(growth.days.slice(0, -1).every((d) => d.reconstructed && d.joins === 0 && d.confirmed === 0)).toBe(true);
    expect(last.reconstructed).toBe(false);
    // Consecutive days, oldest first.
    const stamps = growth.days.map((d) => Date.parse(d.day));
    expect(stamps.slice(1).every((t, i) => t - stamps[i]! === 86_400_000)).toBe(true);
  });

  it("carries the total of a day before the window into days without changes", async () => {
    await db()
      .prepare(
        "INSERT INTO subscriber_days (day, joins, leaves, confirmed, reconstructed) VALUES ('2000-01-01', 7, 0, 7, 1)",
      )
      .run();
    const growth = await subscriberGrowth(db(), new Date("2000-06-01T12:00:00Z"), 30);
    expect(growth.days.map((d) => d.confirmed)).toEqual(new Array(30).fill(7));
    expect(growth.days.every((d) => d.joins === 0 && d.leaves === 0)).toBe(true);
  });
});
