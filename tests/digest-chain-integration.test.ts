// Which briefings each edition carries, across cron runs, admin runs, late deploys and backfills, with
// real local D1: the Worker's own cron handler and admin route, fed content that changes between runs.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { buildBriefingIndex, siteInfoOf } from "../src/content/briefing-index.ts";
import type { BriefingIndex, Content } from "../src/content/schema.ts";
import { createEdition, recordFirstSeen } from "../src/digest/briefing-record.ts";
import { handleScheduled } from "../src/digest/consumer.ts";
import { digestDeps } from "../src/digest/deps.ts";
import { startEdition } from "../src/digest/edition.ts";
import { createDocumentApp } from "../src/documents/app.ts";
import { seedSubscribers } from "./support/digest.ts";
import { briefingFile, compile } from "./support/fixtures.ts";
import { deliverQueued, queued, recordingEnv } from "./support/recorded-queues.ts";
import { ADMIN, outbox } from "./support/worker.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** 07:00 UTC, `daysAgo` days before today: the digest cron's time on that day. */
function sevenOClock(daysAgo: number): number {
  const today = new Date();
  return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 7) - daysAgo * DAY;
}
const iso = (t: number) => new Date(t).toISOString();

function briefing(slug: string, published: number) {
  return briefingFile(slug, {
    title: `Briefing ${slug}`,
    published: iso(published),
    summary: `About ${slug}.`,
    tags: ["chain"],
    outcomes: [{ id: "outcome", headline: `What ${slug} decided.` }],
  });
}

/** The site as deployed: these briefings, each published at the given time. */
function site(briefings: Record<string, number>): Content {
  return compile(...Object.entries(briefings).map(([slug, t]) => briefing(slug, t)));
}

async function cron(at: number, content: Content, expression = "0 7 * * *") {
  await handleScheduled(createScheduledController({ scheduledTime: at, cron: expression }), recordingEnv, content);
}

async function adminRun(
  content: Content,
  body: Record<string, unknown>,
  options: { index?: BriefingIndex; env?: typeof recordingEnv } = {},
) {
  const ctx = createExecutionContext();
  const index = options.index ?? content;
  const res = await createApp(siteInfoOf(content), { briefingIndex: async () => index }).fetch(
    new Request("http://localhost:8787/admin/digest/run", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
    options.env ?? recordingEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Every edition of a cadence with the briefings it carries, oldest first. */
async function editions(cadence: "daily" | "weekly") {
  const { results } = await env.DB.prepare("SELECT id, items FROM editions WHERE cadence = ?1 ORDER BY created_at, id")
    .bind(cadence)
    .all<{ id: string; items: string }>();
  return results.map((r) => ({ id: r.id, items: (JSON.parse(r.items) as string[]).sort() }));
}

/** How many editions of the cadence carried each briefing. */
async function timesMailed(cadence: "daily" | "weekly") {
  const count: Record<string, number> = {};
  for (const e of await editions(cadence)) for (const slug of e.items) count[slug] = (count[slug] ?? 0) + 1;
  return count;
}

beforeEach(async () => {
  // Each test tells its own story from an empty digest history, with no readers unless it seeds some.
  queued.length = 0;
  await env.DB.batch([
    ...["deliveries", "edition_chunks", "edition_variants", "edition_briefings", "briefings_seen", "editions"].map(
      (table) => env.DB.prepare(`DELETE FROM ${table}`),
    ),
    env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed'"),
  ]);
});

describe("admin runs keep the chain", () => {
  it("refuses a `to` in the future with 400 naming the field, and the next cron still mails what it would have", async () => {
    const d = sevenOClock(3);
    const content = site({ a: d + HOUR });
    const run = await adminRun(content, { cadence: "daily", from: iso(d - DAY), to: iso(Date.now() + DAY) });
    expect(run.status).toBe(400);
    expect((run.body.errors as { field: string; reason: string }[])[0]).toEqual({
      field: "to",
      reason: "must not be in the future",
    });
    expect(await editions("daily")).toEqual([]);
    const early = await adminRun(content, { cadence: "daily", from: iso(Date.now() + HOUR) });
    expect(early.status).toBe(400);
    expect((early.body.errors as { field: string }[])[0]?.field).toBe("from");

    await cron(d + DAY, content);
    expect(await editions("daily")).toEqual([{ id: expect.stringMatching(/^daily-/), items: ["a"] }]);
  });

  it("an explicit `from` overlapping a sent edition mails nothing again", async () => {
    const d = sevenOClock(5);
    const content = site({ a: d - 2 * HOUR });
    await cron(d, content);
    const again = await adminRun(content, { cadence: "daily", from: iso(d - 2 * DAY), to: iso(d) });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ items: 0, recipients: 0, batches: 0, started: false });
    expect(await timesMailed("daily")).toEqual({ a: 1 });
  });

  it("a `from` after the last edition's end leaves no gap: the next cron mails what fell between", async () => {
    const d = sevenOClock(6);
    const content = site({ a: d - 20 * HOUR, gap: d + 2 * HOUR, w: d + 5 * HOUR });
    await cron(d, content);
    const run = await adminRun(content, { cadence: "daily", from: iso(d + 4 * HOUR), to: iso(d + 6 * HOUR) });
    expect(run.body).toMatchObject({ items: 1, started: true });
    await cron(d + DAY, content);
    expect((await editions("daily")).map((e) => e.items)).toEqual([["a"], ["w"], ["gap"]]);
  });

  it("a window given by one end: `to` alone reaches one period back, `from` alone reaches to now", async () => {
    const d = sevenOClock(9);
    const content = site({ before: d - 2 * DAY, inside: d - 2 * HOUR, after: d + 2 * HOUR });
    const byTo = await adminRun(content, { cadence: "daily", to: iso(d) });
    expect(byTo.body).toMatchObject({ items: 1, started: true });
    const byFrom = await adminRun(content, { cadence: "weekly", from: iso(d) });
    expect(byFrom.body).toMatchObject({ items: 1, started: true });
    expect(await editions("daily")).toEqual([
      { id: expect.stringContaining(`-${iso(d).replace(/[-:]|\.000/g, "")}-`), items: ["inside"] },
    ]);
    expect((await editions("weekly")).map((e) => e.items)).toEqual([["after"]]);
  });

  it("a run that finds nothing new answers items: 0 and neither blocks nor shifts the next cron", async () => {
    const d = sevenOClock(4);
    const content = site({ a: d - 3 * HOUR });
    const empty = await adminRun(content, { cadence: "daily", from: iso(d - 3 * DAY), to: iso(d - 2 * DAY) });
    expect(empty.body).toMatchObject({ items: 0, recipients: 0, batches: 0, started: false });
    expect(await editions("daily")).toEqual([]);
    await cron(d, content);
    expect((await editions("daily")).map((e) => e.items)).toEqual([["a"]]);
  });
});

describe("late deploys and backfills", () => {
  it("a briefing deployed after the 07:00 run but dated before it goes into the next edition", async () => {
    const d = sevenOClock(4);
    const before = site({ a: d - 10 * HOUR });
    await cron(d, before);
    // Deployed at 08:00, dated 06:00: the 15-minute cron is the first to see it.
    const after = site({ a: d - 10 * HOUR, late: d - HOUR });
    await cron(d + HOUR + 15 * 60_000, after, "*/15 * * * *");
    await cron(d + DAY, after);
    expect((await editions("daily")).map((e) => e.items)).toEqual([["a"], ["late"]]);
  });

  it("readers get the late briefing in the next morning's mail, and yesterday's briefing only in yesterday's", async () => {
    const readers = await seedSubscribers({ prefix: "late-reader-", count: 2 });
    const d = sevenOClock(18);
    const before = site({ early: d - 10 * HOUR });
    const after = site({ early: d - 10 * HOUR, dated6: d - HOUR });
    await cron(d, before);
    await deliverQueued(before);
    await cron(d + HOUR + 15 * 60_000, after, "*/15 * * * *");
    await cron(d + DAY, after);
    await deliverQueued(after);
    const subjects = (await outbox()).filter((m) => readers.includes(m.to)).map((m) => `${m.to}: ${m.subject}`);
    expect(subjects.sort()).toEqual(
      readers.flatMap((r) => [`${r}: briefwire: Briefing dated6`, `${r}: briefwire: Briefing early`]).sort(),
    );
  });

  it("records when the site first showed each briefing: the earliest sighting, written once", async () => {
    const d = sevenOClock(20);
    const content = site({ a: d - DAY, b: d - DAY });
    const seen = async () =>
      (await env.DB.prepare("SELECT slug, first_seen FROM briefings_seen ORDER BY slug").all()).results;
    expect(await recordFirstSeen(env.DB, content, new Date(d))).toBe(2);
    // Later sightings change nothing (and write nothing: the 15-minute cron repeats this all day)…
    expect(await recordFirstSeen(env.DB, content, new Date(d + HOUR))).toBe(0);
    // …an earlier one, from a cron invocation that finished late, wins.
    expect(await recordFirstSeen(env.DB, site({ a: d - DAY }), new Date(d - HOUR))).toBe(1);
    expect(await seen()).toEqual([
      { slug: "a", first_seen: iso(d - HOUR) },
      { slug: "b", first_seen: iso(d) },
    ]);
  });

  it("a backfill (published more than 7 days before it was first seen) is mailed only when an admin run asks for it", async () => {
    const d = sevenOClock(8);
    const before = site({ a: d - 10 * HOUR });
    await cron(d, before);
    const after = site({ a: d - 10 * HOUR, old: d - 30 * DAY, recent: d - 6 * DAY });
    await cron(d + HOUR, after, "*/15 * * * *");
    await cron(d + DAY, after);
    // `recent` is 6 days old when the 15-minute cron first sees it: late, but not a backfill (at the next
    // 07:00 run it is 7 days and an hour old, so that run alone would have taken it for one).
    expect((await editions("daily")).map((e) => e.items)).toEqual([["a"], ["recent"]]);

    const asked = await adminRun(after, { cadence: "daily", from: iso(d - 31 * DAY), to: iso(d - 29 * DAY) });
    expect(asked.body).toMatchObject({ items: 1, started: true });
    await cron(d + 2 * DAY, after);
    expect(await timesMailed("daily")).toEqual({ a: 1, recent: 1, old: 1 });
  });
});

describe("backfills older than the briefing index", () => {
  it("an admin run finds one in the archive's month files and mails it; the index stays small", async () => {
    const readers = await seedSubscribers({ prefix: "archive-reader-", count: 1 });
    const d = sevenOClock(3);
    // Sixty recent briefings fill the index (at least 50, 62 days); `ancient` is a backfill deployed
    // now with a publication date 200 days back: in no index, only in its month's file.
    const recent = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`recent-${i}`, d - i * HOUR]));
    const content = site({ ...recent, ancient: d - 200 * DAY });
    const index = buildBriefingIndex(content);
    expect(index.briefings.map((b) => b.slug)).not.toContain("ancient");
    expect(Date.parse(index.completeFrom as string)).toBeGreaterThan(d - 200 * DAY);
    // The Worker reads the built documents through its ASSETS binding: here, the documents app itself.
    const documents = createDocumentApp(content, { base: "http://localhost:8787" });
    const assets = {
      fetch: (input: RequestInfo | URL) =>
        documents.request(new URL(input instanceof Request ? input.url : input).pathname),
    } as unknown as Fetcher;
    const workerEnv = { ...recordingEnv, ASSETS: assets };

    const asked = await adminRun(
      content,
      { cadence: "daily", from: iso(d - 201 * DAY), to: iso(d - 199 * DAY) },
      { index, env: workerEnv },
    );
    expect(asked.body).toMatchObject({ items: 1, started: true });
    await deliverQueued(index, workerEnv);
    const subjects = (await outbox()).filter((m) => readers.includes(m.to)).map((m) => m.subject);
    expect(subjects).toEqual(["briefwire: Briefing ancient"]);
    // Its web copy names it too.
    const app = createApp(siteInfoOf(content), { briefingIndex: async () => index });
    const copy = await app.request(`/digests/${asked.body.edition}`, {}, workerEnv);
    expect(await copy.text()).toContain("Briefing ancient");
    // Asked again, the window finds it mailed.
    const again = await adminRun(
      content,
      { cadence: "daily", from: iso(d - 202 * DAY), to: iso(d - 199 * DAY) },
      { index, env: workerEnv },
    );
    expect(again.body).toMatchObject({ items: 0 });
  });
});

describe("runs that meet", () => {
  it("a cron fired twice starts one edition", async () => {
    const d = sevenOClock(3);
    const content = site({ a: d - HOUR, b: d - 2 * HOUR });
    await Promise.all([cron(d, content), cron(d, content)]);
    expect(await editions("daily")).toEqual([{ id: `daily-${iso(d).slice(0, 10)}`, items: ["a", "b"] }]);
    expect(queued.filter((m) => m.kind === "plan")).toHaveLength(1);
  });

  it("an admin run racing the cron starts nothing twice", async () => {
    const now = Date.now();
    const content = site({ a: now - HOUR });
    const [, run] = await Promise.all([cron(now, content), adminRun(content, { cadence: "daily" })]);
    const all = await editions("daily");
    expect(all).toEqual([{ id: `daily-${iso(now).slice(0, 10)}`, items: ["a"] }]);
    expect(run.body).toMatchObject({ edition: all[0]?.id, items: 1 });
    expect(queued.filter((m) => m.kind === "plan")).toHaveLength(1);
  });

  it("two admin runs racing over overlapping windows mail each briefing once", async () => {
    const d = sevenOClock(10);
    const content = site({ a: d - 3 * DAY, b: d - 2 * DAY, c: d - DAY });
    const [x, y] = await Promise.all([
      adminRun(content, { cadence: "weekly", from: iso(d - 4 * DAY), to: iso(d - DAY - HOUR) }),
      adminRun(content, { cadence: "weekly", from: iso(d - 2 * DAY - HOUR), to: iso(d) }),
    ]);
    expect([x.status, y.status]).toEqual([200, 200]);
    expect(await timesMailed("weekly")).toEqual({ a: 1, b: 1, c: 1 });
    expect((x.body.items as number) + (y.body.items as number)).toBe(3);
  });

  it("a run that loses a briefing to a run committed between its choice and its insert chooses again", async () => {
    const d = sevenOClock(14);
    const content = site({ a: d - 5 * HOUR, b: d - 4 * HOUR });
    const deps = { ...digestDeps(recordingEnv, content), now: () => new Date(d) };
    // The racing admin run commits right before this cron run's edition insert (its two-statement batch).
    let raced = false;
    const racingDb = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            if (!raced && statements.length === 2) {
              raced = true;
              await startEdition(deps, "daily", new Date(d - 4.5 * HOUR), new Date(d - 6 * HOUR));
            }
            return target.batch(statements);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const summary = await startEdition({ ...deps, db: racingDb }, "daily", new Date(d));
    expect(raced).toBe(true);
    expect(summary).toMatchObject({ edition: `daily-${iso(d).slice(0, 10)}`, items: 1, started: true });
    // The racing run has `a`; this one chose again and carries what was left.
    const all = await editions("daily");
    expect(all.find((e) => e.id === summary.edition)?.items).toEqual(["b"]);
    expect(all.map((e) => e.items).sort()).toEqual([["a"], ["b"]]);
  });

  it("an edition and the claim of its briefings are written together or not at all", async () => {
    const d = sevenOClock(15);
    await createEdition(
      env.DB,
      { id: "first", cadence: "daily", from: new Date(d), to: new Date(d), items: ["a"], tags: [] },
      iso(d),
    );
    const second = { id: "second", cadence: "daily", from: new Date(d), to: new Date(d), items: ["b", "a"], tags: [] };
    expect(await createEdition(env.DB, second, iso(d))).toBe("conflict");
    expect(await editions("daily")).toEqual([{ id: "first", items: ["a"] }]);
    // The same briefing on another cadence is another claim.
    expect(await createEdition(env.DB, { ...second, cadence: "weekly" }, iso(d))).toBe("created");
  });

  it("the same admin run sent twice at once starts one edition", async () => {
    const d = sevenOClock(12);
    const content = site({ a: d - DAY });
    const body = { cadence: "daily", from: iso(d - 2 * DAY), to: iso(d) };
    const [x, y] = await Promise.all([adminRun(content, body), adminRun(content, body)]);
    expect(x.body.edition).toBe(y.body.edition);
    expect([x.body.started, y.body.started].sort()).toEqual([false, true]);
    expect(await editions("daily")).toEqual([{ id: x.body.edition, items: ["a"] }]);
    expect(await timesMailed("daily")).toEqual({ a: 1 });
  });
});
