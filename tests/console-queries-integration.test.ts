// The console's queries with real local D1: subscriber search and paging, a reader's history, the
// editions list — each checked against the whole table read the slow way — and every statement they
// run checked with EXPLAIN QUERY PLAN, so none scans or sorts the subscribers or the ledger.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { compactLedger } from "../src/digest/compaction.ts";
import { listEditions } from "../src/digest/edition-list.ts";
import { editionProgress } from "../src/digest/ledger.ts";
import { handleEvent } from "../src/digest/webhooks.ts";
import { givenUpMail } from "../src/mail/queue.ts";
import { keptCounts } from "../src/subscriptions/counts.ts";
import { subscriberGrowth } from "../src/subscriptions/growth.ts";
import { readerHistory } from "../src/subscriptions/history.ts";
import { subscriberStats } from "../src/subscriptions/reports.ts";
import { type SearchInput, SearchParams, searchSubscribers, WINDOW } from "../src/subscriptions/search.ts";
import { countedD1 } from "./support/counted-d1.ts";

const db = () => env.DB;
const READERS = 2600;
const NAMES = ["ann", "anna", "bob", "carl", "dora"];
const DOMAINS = ["example.org", "example.com", "exa.net", "mail.test"];
const TOPICS = ["[]", '["nato"]', '["nato","ukraine"]', '["indo-pacific"]'];

beforeAll(async () => {
  // Readers 1..READERS: names, domains, statuses, cadences and topics in different rhythms.
  await db()
    .prepare(
      `WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
         consent_at, consent_source, consent_text_version, confirmed_at)
       SELECT e, e, s, c, t, 'n', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z',
         'import', 'v1', CASE WHEN s <> 'pending' THEN '2026-11-01T00:00:00.000Z' END
       FROM (SELECT i,
               json_extract(?2, '$[' || (i % 5) || ']') || i || '@' || json_extract(?3, '$[' || (i % 4) || ']') AS e,
               CASE WHEN i % 50 = 0 THEN 'complained' WHEN i % 10 = 7 THEN 'pending' WHEN i % 10 = 8 THEN 'unsubscribed'
                    WHEN i % 10 = 9 THEN 'bounced' ELSE 'confirmed' END AS s,
               json_extract('["instant","daily","weekly"]', '$[' || (i % 3) || ']') AS c,
               json_extract(?4, '$[' || (i % 7 % 4) || ']') AS t
             FROM n) WHERE true`,
    )
    .bind(READERS, JSON.stringify(NAMES), JSON.stringify(DOMAINS), JSON.stringify(TOPICS))
    .run();
  await db()
    .prepare(
      `UPDATE subscribers SET email = 'erased:00ff', email_normalized = 'erased:00ff', status = 'unsubscribed',
         erased_at = '2026-11-02T00:00:00.000Z' WHERE id = 3`,
    )
    .run();
});

type Row = { id: number; email_normalized: string; status: string; cadence: string; topics: string };

/** The reference: every matching row, read the slow way, in the order the pages promise. */
async function reference(input: SearchInput): Promise<number[]> {
  const { results } = await db()
    .prepare("SELECT id, email_normalized, status, cadence, topics FROM subscribers")
    .all<Row>();
  const q = (input.query ?? "").trim().toLowerCase();
  const domainOf = (e: string) => e.slice(e.indexOf("@") + 1);
  const matches = results.filter(
    (r) =>
      (!q ||
        (q.startsWith("@") ? domainOf(r.email_normalized).startsWith(q.slice(1)) : r.email_normalized.startsWith(q))) &&
      (!input.status || r.status === input.status) &&
      (!input.cadence || r.cadence === input.cadence) &&
      (!input.topic || r.topics === "[]" || (JSON.parse(r.topics) as string[]).includes(input.topic)),
  );
  const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (!q) matches.sort((a, b) => b.id - a.id);
  else if (q.startsWith("@")) {
    matches.sort(
      (a, b) =>
        byBytes(domainOf(a.email_normalized), domainOf(b.email_normalized)) ||
        byBytes(a.email_normalized, b.email_normalized),
    );
  } else matches.sort((a, b) => byBytes(a.email_normalized, b.email_normalized));
  return matches.map((r) => r.id);
}

/** Every page from the first to the last, following `next`. */
async function allPages(input: SearchInput) {
  const pages = [];
  let after: number | undefined;
  for (let guard = 0; guard < 500; guard++) {
    const page = await searchSubscribers(db(), { ...input, ...(after === undefined ? {} : { after }) });
    pages.push(page);
    if (page.next === null) break;
    after = page.next;
  }
  return pages;
}

describe("searchSubscribers", () => {
  it.each<[string, SearchInput]>([
    ["the whole list, newest first", {}],
    ["one status, newest first", { status: "bounced" }],
    ["a rare status with a cadence", { status: "complained", cadence: "weekly" }],
    ["the start of an address", { query: "ann" }],
    ["the start of an address, any case, with filters", { query: " ANNA1", status: "confirmed", topic: "ukraine" }],
    ["the start of a domain", { query: "@exa" }],
    ["one domain with a cadence", { query: "@example.org", cadence: "instant" }],
    ["a topic (who chose it or every topic)", { topic: "indo-pacific" }],
    ["nothing matches", { query: "zed" }],
  ])("%s: the pages hold exactly the matching readers, in order, once each", async (_, input) => {
    const expected = await reference(input);
    const pages = await allPages({ ...input, limit: 100 });
    expect(pages.flatMap((p) => p.rows.map((r) => r.id))).toEqual(expected);
    for (const p of pages) expect(p.rows.length).toBeLessThanOrEqual(100);
  });

  it("pages deep into the list by id, never by an address, and keeps each page to its limit", async () => {
    const pages = await allPages({ limit: 50 });
    expect(pages.length).toBe(Math.ceil(READERS / 50));
    for (const p of pages.slice(0, -1)) {
      expect(p.rows).toHaveLength(50);
      expect(p.next).toBe(p.rows.at(-1)?.id);
      expect(typeof p.next).toBe("number");
    }
  });

  it("examines at most a window of the index per page: a rare match returns a short page and a cursor", async () => {
    // 1 in 50 readers complained; with a query over most of the list, filters see WINDOW rows a page.
    const pages = await allPages({ query: "a", status: "complained", limit: 100 });
    const rowsOfQuery = (await reference({ query: "a" })).length;
    expect(rowsOfQuery).toBeGreaterThan(WINDOW);
    expect(pages.length).toBe(Math.ceil(rowsOfQuery / WINDOW));
    expect(pages[0]!.rows.length).toBeLessThan(100);
    expect(pages[0]!.next).not.toBeNull();
  });

  it("ends the list, rather than starting over, when the cursor's reader was deleted since", async () => {
    for (const query of ["ann", "@exa"]) {
      expect(await searchSubscribers(db(), { query, after: 999_999 })).toMatchObject({ rows: [], next: null });
    }
  });

  it("shows an erased reader without an address", async () => {
    const pages = await allPages({ status: "unsubscribed", limit: 100 });
    const erased = pages.flatMap((p) => p.rows).find((r) => r.id === 3);
    expect(erased).toMatchObject({ id: 3, email: null, status: "unsubscribed" });
  });

  it("checks the console's query string field by field", () => {
    const bad = SearchParams.safeParse({
      status: "gone",
      cadence: "hourly",
      topic: "Bad Topic",
      after: "0",
      limit: "500",
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join(".")).sort()).toEqual([
      "after",
      "cadence",
      "limit",
      "status",
      "topic",
    ]);
    expect(SearchParams.parse({ q: "ann", status: "confirmed", after: "42", limit: "20" })).toEqual({
      q: "ann",
      status: "confirmed",
      after: 42,
      limit: 20,
    });
  });
});

/** An edition with `n` recipients (readers 1..n), its chunks and ledger rows, as the send path leaves them. */
async function seedEdition(id: string, createdAt: string, n: number, chunkStatus: (chunk: number) => string) {
  await db()
    .prepare(
      `INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, recipients, chunks, created_at, updated_at)
       VALUES (?1, 'daily', ?2, ?2, '["a-briefing"]', '[]', 'sending', ?3, ?4, ?2, ?2)`,
    )
    .bind(id, createdAt, n, Math.ceil(n / 100))
    .run();
  await db()
    .prepare(
      `WITH RECURSIVE k (c) AS (SELECT 0 UNION ALL SELECT c + 1 FROM k WHERE c + 1 < ?3)
       INSERT INTO edition_chunks (edition_id, chunk, status, recipients, sent, updated_at)
       SELECT ?1, c, json_extract(?4, '$[' || c || ']'), MIN(100, ?2 - c * 100),
         CASE WHEN json_extract(?4, '$[' || c || ']') = 'sent' THEN MIN(100, ?2 - c * 100) ELSE 0 END, ?5 FROM k`,
    )
    .bind(
      id,
      n,
      Math.ceil(n / 100),
      JSON.stringify(Array.from({ length: Math.ceil(n / 100) }, (_, c) => chunkStatus(c))),
      createdAt,
    )
    .run();
  await db()
    .prepare(
      `WITH RECURSIVE r (s) AS (SELECT 1 UNION ALL SELECT s + 1 FROM r WHERE s < ?2)
       INSERT INTO deliveries (edition_id, subscriber_id, chunk, variant, status, provider_id, updated_at)
       SELECT ?1, s, (s - 1) / 100, 'a-briefing',
         CASE (SELECT status FROM edition_chunks WHERE edition_id = ?1 AND chunk = (s - 1) / 100)
           WHEN 'pending' THEN 'queued' ELSE (SELECT status FROM edition_chunks WHERE edition_id = ?1 AND chunk = (s - 1) / 100) END,
         ?1 || ':' || s, ?3 FROM r`,
    )
    .bind(id, n, createdAt)
    .run();
}

const FIGURES = ["sent", "failed", "unconfirmed", "skipped", "pending", "delivered", "bounced", "complained"] as const;

/** An edition's figures the slow way: one pass over every one of its ledger rows. */
async function ledgerFigures(id: string) {
  const row = await db()
    .prepare(
      `SELECT COALESCE(SUM(status = 'sent'), 0) AS sent, COALESCE(SUM(status = 'failed'), 0) AS failed,
         COALESCE(SUM(status = 'unconfirmed'), 0) AS unconfirmed, COALESCE(SUM(status = 'skipped'), 0) AS skipped,
         COALESCE(SUM(status IN ('queued', 'sending')), 0) AS pending, COUNT(delivered_at) AS delivered,
         COUNT(bounced_at) AS bounced, COUNT(complained_at) AS complained
       FROM deliveries WHERE edition_id = ?1`,
    )
    .bind(id)
    .first<Record<(typeof FIGURES)[number], number>>();
  return row!;
}

const webhook = (svixId: string, type: string, emailId: string, extra: object = {}) =>
  handleEvent(
    db(),
    svixId,
    { type, data: { email_id: emailId, to: ["x@example.org"], ...extra } },
    new Date().toISOString(),
  );

describe("readerHistory", () => {
  it("tells a reader's story newest first: their events and each edition sent with what the provider reported", async () => {
    await seedEdition("daily-2026-11-20", "2026-11-20T07:00:00.000Z", 20, () => "sent");
    await seedEdition("daily-2026-11-21", "2026-11-21T07:00:00.000Z", 20, () => "sent");
    const id = 10; // confirmed
    await db()
      .prepare(
        `INSERT INTO subscriber_events (subscriber_id, event, at, detail) VALUES
           (?1, 'imported', '2026-11-01T00:00:00.000Z', '{"cadence":"daily"}'),
           (?1, 'preferences', '2026-11-20T12:00:00.000Z', '{"cadence":"weekly","topics":["nato"]}')`,
      )
      .bind(id)
      .run();
    await webhook("msg_h1", "email.delivered", "daily-2026-11-20:10");
    await webhook("msg_h2", "email.bounced", "daily-2026-11-21:10", { bounce: { type: "Transient" } });
    const history = await readerHistory(db(), id);
    expect(history?.reader).toMatchObject({
      id,
      status: "confirmed",
      email: "ann10@exa.net",
      topics: ["indo-pacific"],
    });
    expect(history?.history.map((h) => (h.kind === "event" ? h.event : h.edition))).toEqual([
      "daily-2026-11-21",
      "preferences",
      "daily-2026-11-20",
      "imported",
    ]);
    expect(history?.history[0]).toMatchObject({ status: "sent", bounced_at: expect.any(String), delivered_at: null });
    expect(history?.history[2]).toMatchObject({ status: "sent", delivered_at: expect.any(String) });
    expect(history?.truncated).toBe(false);
    expect(await readerHistory(db(), 999_999)).toBeNull();
  });

  it("shows only the most recent entries of a long history and says it left some out", async () => {
    const id = 11;
    await db()
      .prepare(
        `WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)
         INSERT INTO subscriber_events (subscriber_id, event, at) SELECT ?1, 'preferences', '2026-10-' || printf('%02d', i) || 'T00:00:00.000Z' FROM n`,
      )
      .bind(id)
      .run();
    const history = await readerHistory(db(), id, 10);
    const events = history!.history.filter((h) => h.kind === "event");
    expect(events).toHaveLength(10);
    expect(events[0]?.at).toBe("2026-10-30T00:00:00.000Z");
    expect(history?.truncated).toBe(true);
  });
});

describe("listEditions", () => {
  it("lists every edition newest first, page by page, with the figures its ledger rows add up to", async () => {
    // A done edition compacted into totals, one given up in part, one in flight, and older ones.
    await seedEdition("daily-2026-11-10", "2026-11-10T07:00:00.000Z", 250, () => "sent");
    await db()
      .prepare(
        "UPDATE editions SET status = 'done', completed_at = '2026-11-10T08:00:00.000Z' WHERE id = 'daily-2026-11-10'",
      )
      .run();
    await webhook("msg_e1", "email.delivered", "daily-2026-11-10:5");
    await webhook("msg_e2", "email.complained", "daily-2026-11-10:6");
    const beforeCompaction = await ledgerFigures("daily-2026-11-10");
    await compactLedger(db(), new Date("2026-11-30T00:00:00Z"));
    await seedEdition(
      "daily-2026-11-22",
      "2026-11-22T07:00:00.000Z",
      350,
      (c) => ["sent", "failed", "unconfirmed", "pending"][c]!,
    );
    // As the send path leaves them: in sent chunk 0 the provider refused one reader; failed chunk 1 had
    // two readers who left before its first attempt (skipped, kept on the chunk row).
    await db()
      .prepare(`UPDATE deliveries SET status = 'failed' WHERE edition_id = 'daily-2026-11-22' AND subscriber_id = 7`)
      .run();
    await db().prepare("UPDATE edition_chunks SET sent = 99 WHERE edition_id = 'daily-2026-11-22' AND chunk = 0").run();
    await db()
      .prepare(
        `UPDATE deliveries SET status = 'skipped' WHERE edition_id = 'daily-2026-11-22' AND subscriber_id IN (120, 121)`,
      )
      .run();
    await db()
      .prepare("UPDATE edition_chunks SET skipped = 2 WHERE edition_id = 'daily-2026-11-22' AND chunk = 1")
      .run();
    await webhook("msg_e3", "email.delivered", "daily-2026-11-22:150"); // a failed one that did go out
    await webhook("msg_e4", "email.bounced", "daily-2026-11-22:250", { bounce: { type: "Permanent" } }); // unconfirmed, went out
    await webhook("msg_e5", "email.delivered", "daily-2026-11-22:3");
    await db()
      .prepare(
        `WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
         INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, created_at, updated_at)
         SELECT 'weekly-old-' || i, 'weekly', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', '[]', '[]', 'done',
           '2025-' || printf('%02d', 1 + i % 12) || '-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z' FROM n`,
      )
      .run();

    const { results: all } = await db()
      .prepare("SELECT id FROM editions ORDER BY created_at DESC, id DESC")
      .all<{ id: string }>();
    const seen: string[] = [];
    let before: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const page = await listEditions(db(), { limit: 20, ...(before ? { before } : {}) });
      expect(page.editions.length).toBeLessThanOrEqual(20);
      seen.push(...page.editions.map((e) => e.id));
      for (const e of page.editions) {
        const truth = e.id === "daily-2026-11-10" ? beforeCompaction : await ledgerFigures(e.id);
        const listed = Object.fromEntries(FIGURES.map((f) => [f, e[f]]));
        const p = (await editionProgress(db(), e.id))!;
        expect(listed, e.id).toEqual(truth);
        expect(Object.fromEntries(FIGURES.map((f) => [f, p[f]])), e.id).toEqual(truth);
      }
      if (!page.next) break;
      before = page.next;
    }
    expect(seen).toEqual(all.map((r) => r.id));
    const first = await listEditions(db(), { limit: 3 });
    expect(first.editions.map((e) => [e.id, e.figures])).toEqual([
      ["daily-2026-11-22", "chunks"],
      ["daily-2026-11-21", "chunks"],
      ["daily-2026-11-20", "chunks"],
    ]);
    const compacted = (await listEditions(db(), { limit: 100 })).editions.find((e) => e.id === "daily-2026-11-10");
    expect(compacted).toMatchObject({ figures: "totals", sent: 250, delivered: 1, complained: 1 });
    const inFlight = first.editions[0]!;
    expect(inFlight).toMatchObject({
      sent: 101,
      failed: 98,
      unconfirmed: 99,
      skipped: 2,
      pending: 50,
      delivered: 2,
      bounced: 1,
    });
  });
});

describe("an edition's own page", () => {
  it("reads the edition's chunk rows (one per 100 readers, a few times over), never a row per reader", async () => {
    // Polled every few seconds while an edition goes out: at 1,000,000 readers a pass over the
    // ledger rows read a million rows per poll.
    await seedEdition("daily-2026-11-25", "2026-11-25T07:00:00.000Z", READERS, (c) => (c < 20 ? "sent" : "pending"));
    const counted = countedD1(db());
    const p = await editionProgress(counted.db, "daily-2026-11-25");
    expect(p).toMatchObject({ recipients: READERS, sent: 2_000, pending: READERS - 2_000, failed: 0 });
    const read = counted.since(0).rowsRead;
    expect(read, counted.statements.map((s) => `${s.rowsRead} ${s.sql}`).join("\n")).toBeLessThan(READERS / 20);
  });
});

/** A D1 binding that records every statement it is given, with its parameters. */
function recording(real: D1Database) {
  const seen: { sql: string; params: unknown[] }[] = [];
  const wrap = (sql: string, params: unknown[] = []): D1PreparedStatement => {
    const statement = real.prepare(sql).bind(...params);
    seen.push({ sql, params });
    return new Proxy(statement, {
      get(target, key) {
        if (key === "bind") {
          return (...next: unknown[]) => {
            seen.pop();
            return wrap(sql, next);
          };
        }
        if (key === "__real") return target;
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
  const binding = {
    prepare: (sql: string) => wrap(sql),
    batch: (statements: D1PreparedStatement[]) =>
      real.batch(statements.map((s) => (s as unknown as { __real: D1PreparedStatement }).__real)),
  } as unknown as D1Database;
  return { binding, seen };
}

describe("query plans at any size", () => {
  it("no console statement scans or sorts subscribers or deliveries", async () => {
    // An edition still in its ledger, so the list reads its chunks and delivery reports too.
    await seedEdition("instant-plans", "2026-12-01T00:00:00.000Z", 120, () => "sent");
    const { binding, seen } = recording(db());
    await keptCounts(binding);
    await subscriberStats(binding);
    await subscriberGrowth(binding);
    for (const input of [
      {},
      { status: "bounced" as const },
      { status: "confirmed" as const, cadence: "weekly" as const, topic: "nato", after: 2000 },
      { query: "ann", status: "pending" as const, after: 40 },
      { query: "@example", topic: "nato", after: 41 },
    ]) {
      await searchSubscribers(binding, input);
    }
    await readerHistory(binding, 10);
    await listEditions(binding, { limit: 20 });
    await listEditions(binding, { before: "daily-2026-11-21", limit: 20 });
    await editionProgress(binding, "instant-plans");
    await givenUpMail(binding);
    expect(seen.length).toBeGreaterThanOrEqual(20);
    expect(seen.some((s) => s.sql.includes("FROM edition_reports"))).toBe(true);

    const problems: string[] = [];
    for (const { sql, params } of seen) {
      const { results } = await db()
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>();
      // Names the statement gives the two big tables (FROM subscribers AS s, deliveries d…).
      // mail_log grows by one row per sign-up, so it counts as big too.
      const aliases = new Set(["subscribers", "deliveries", "mail_log"]);
      for (const m of sql.matchAll(/\b(subscribers|deliveries|mail_log)(?:\s+AS)?\s+(\w+)/gi)) {
        if (!/^(WHERE|ON|SET|GROUP|ORDER|LIMIT|JOIN|LEFT|CROSS|INNER)$/i.test(m[2]!)) aliases.add(m[2]!);
      }
      const big = [...aliases].join("|");
      for (const { detail } of results) {
        const scan = new RegExp(`^SCAN (${big})\\b`).test(detail);
        const sort = /USE TEMP B-TREE/.test(detail) && /\b(subscribers|deliveries|mail_log)\b/i.test(sql);
        if (scan || sort) problems.push(`${detail}\n  in: ${sql.replace(/\s+/g, " ").slice(0, 300)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
