// Console benchmark: the queries behind the publisher's console (overview counts and growth,
// subscriber search and paging, a reader's history, the editions list) against a local D1 holding
// N generated subscribers (default 1,000,000) and 1,000 editions.
//
// The database is the local D1 file itself: created by the D1 binding, then filled with node:sqlite
// straight from migrations/ (so the counting triggers run for every row, as they would in D1) —
// inserting a million rows through D1's API would take far longer than the queries measured. Then
// each query runs through the D1 binding (workerd's D1, reached from Node through wrangler's
// getPlatformProxy) ROUNDS times: median, p95 and max in milliseconds. For comparison it also times
// what the console does not do: COUNT(*) over the list, and an edition's figures from its ledger rows.
// Then the rows D1 reports written for one subscriber change, with and without the triggers. Last,
// whole console pages through the Worker (`wrangler dev` on the same local state, signed in with the
// session cookie as a browser is): the overview, the editions list, an edition in flight and a
// compacted one, and the subscribers search if this build has that page — request to last byte.
//
// Data: readers `<name>.<n>@example<k>.org` (40 names, 250 domains), 86 % confirmed, 4 % pending, 7 %
// unsubscribed, 2 % bounced, 1 % complained, signed up over 400 days; one event each. Editions: one a
// day for 1,000 days; the newest 7 still in their ledger (chunk rows and delivery reports; the newest
// also has its per-recipient ledger rows, one per confirmed reader), the 993 older ones compacted
// into totals.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { getPlatformProxy } from "wrangler";
import { listEditions } from "../src/digest/edition-list.ts";
import { editionProgress } from "../src/digest/ledger.ts";
import { keptCounts } from "../src/subscriptions/counts.ts";
import { subscriberGrowth } from "../src/subscriptions/growth.ts";
import { readerHistory } from "../src/subscriptions/history.ts";
import { exportRowsByIds, subscriberStats } from "../src/subscriptions/reports.ts";
import { searchSubscribers } from "../src/subscriptions/search.ts";
import { startLocalWorker } from "../tests/support/local-worker.ts";

const root = join(import.meta.dirname, "..");
const DAY_MS = 86_400_000;
const ROUNDS = Number(process.env.BENCH_CONSOLE_ROUNDS ?? 15);
const NAMES = [
  "ann",
  "anna",
  "bob",
  "carl",
  "dora",
  "eve",
  "fay",
  "gus",
  "hal",
  "ida",
  "jon",
  "kim",
  "lea",
  "max",
  "nia",
  "otto",
  "pia",
  "quin",
  "rae",
  "sam",
  "tia",
  "uma",
  "vic",
  "wes",
  "xia",
  "yan",
  "zoe",
  "mara",
  "maria",
  "mark",
  "marc",
  "paul",
  "paula",
  "lena",
  "leon",
  "nora",
  "noah",
  "emma",
  "emil",
  "ines",
];
const TOPICS = ["[]", '["nato"]', '["nato","ukraine"]', '["indo-pacific"]', '["defence-industry"]'];

export interface ConsoleTiming {
  query: string;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Rows the query returned (or the page size), to show it did its work. */
  rows: number;
  /** A query the console does not run, timed for comparison. */
  comparison?: true;
}

export interface ConsoleBench {
  subscribers: number;
  editions: number;
  ledgerRows: number;
  seedSeconds: number;
  /** The kept counts equal COUNT(*) over the generated table. */
  keptCountsMatch: boolean;
  timings: ConsoleTiming[];
  /** D1's rows_written for one change of one subscriber, with the triggers and without. */
  rowsWritten: { change: string; withTriggers: number; withoutTriggers: number }[];
  /** Whole console pages through the Worker (`rows`: the answer's size in KB). */
  pages: ConsoleTiming[];
  /** Pages this build does not have (404), not timed. */
  pagesMissing: string[];
}

function d1File(state: string): string {
  const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
  const name = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!name) throw new Error(`no D1 database file in ${dir}`);
  return join(dir, name);
}

async function proxy(state: string) {
  return getPlatformProxy<{ DB: D1Database }>({
    configPath: join(root, "wrangler.toml"),
    persist: { path: join(state, "v3") },
  });
}

function seed(file: string, readers: number, editions: number): { ledgerRows: number; newestReader: number } {
  const db = new DatabaseSync(file);
  const migration = (f: string) => readFileSync(join(root, "migrations", f), "utf8");
  for (const f of readdirSync(join(root, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    db.exec(migration(f));
  }
  const now = Date.now();
  const iso = (t: number) => new Date(t).toISOString();
  db.exec("BEGIN");
  const insert = db.prepare(
    `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
       consent_at, consent_source, consent_text_version, confirmed_at, unsubscribed_at, suppressed_at, suppressed_reason)
     VALUES (?1, ?1, ?2, ?3, ?4, 'n', ?5, ?6, ?5, 'form', 'v1', ?7, ?8, ?9, ?10)`,
  );
  const event = db.prepare(
    "INSERT INTO subscriber_events (subscriber_id, event, at, detail) VALUES (?1, 'subscribe-requested', ?2, '{}')",
  );
  for (let i = 1; i <= readers; i++) {
    const email = `${NAMES[i % NAMES.length]}.${i}@example${i % 250}.org`;
    const p = i % 100;
    const status =
      p < 86 ? "confirmed" : p < 90 ? "pending" : p < 97 ? "unsubscribed" : p < 99 ? "bounced" : "complained";
    const cadence = i % 10 < 2 ? "instant" : i % 10 < 8 ? "daily" : "weekly";
    const created = now - 400 * DAY_MS + Math.floor((i / readers) * 399 * DAY_MS);
    const confirmed = status === "pending" ? null : iso(created + 3_600_000);
    const left = status === "confirmed" || status === "pending" ? null : iso(Math.min(now, created + 20 * DAY_MS));
    insert.run(
      email,
      status,
      cadence,
      TOPICS[i % TOPICS.length] as string,
      iso(created),
      left ?? iso(created),
      confirmed,
      status === "unsubscribed" ? left : null,
      left,
      left ? status : null,
    );
    event.run(i, iso(created));
  }
  // The rows went in "today" as far as the triggers know: rebuild the days from the rows' own dates,
  // with the migration's own statements, as it does for a list that existed before it.
  db.exec("DELETE FROM subscriber_days");
  const text = migration("0011_console_counts.sql");
  for (const re of [
    /WITH changes \(day[\s\S]*?;\n/,
    /INSERT INTO subscriber_days \(day, confirmed, reconstructed\)[\s\S]*?;\n/,
  ]) {
    const statement = re.exec(text)?.[0];
    if (!statement) throw new Error(`0011: no statement matching ${re}`);
    db.exec(statement);
  }

  const edition = db.prepare(
    `INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, recipients, chunks, created_at, updated_at, completed_at)
     VALUES (?1, 'daily', ?2, ?3, '["a-briefing"]', '[]', ?4, ?5, ?6, ?3, ?3, ?7)`,
  );
  const totals = db.prepare(
    `INSERT INTO edition_totals (edition_id, sent, failed, skipped, pending, delivered, bounced, complained, compacted_at, variants, errors)
     VALUES (?1, ?2, 0, ?3, 0, ?4, ?5, ?6, ?7, 1, '[]')`,
  );
  const chunk = db.prepare(
    "INSERT INTO edition_chunks (edition_id, chunk, status, enqueued, attempts, recipients, sent, updated_at) VALUES (?1, ?2, ?3, 1, 1, ?4, ?5, ?6)",
  );
  const report = db.prepare(
    "INSERT INTO edition_reports (edition_id, delivered, bounced, complained) VALUES (?1, ?2, ?3, ?4)",
  );
  const recipients = Math.round(readers * 0.86);
  const chunks = Math.ceil(recipients / 100);
  let newest = "";
  for (let k = editions - 1; k >= 0; k--) {
    const at = now - k * DAY_MS - 3_600_000;
    const id = `daily-${iso(at).slice(0, 10)}`;
    const live = k < 7;
    const status = k === 0 ? "sending" : "done";
    edition.run(id, iso(at - DAY_MS), iso(at), status, recipients, chunks, k === 0 ? null : iso(at + 3_600_000));
    if (!live) {
      totals.run(
        id,
        recipients,
        0,
        Math.round(recipients * 0.97),
        Math.round(recipients * 0.01),
        3,
        iso(at + 8 * DAY_MS),
      );
      continue;
    }
    for (let c = 0; c < chunks; c++) {
      const size = Math.min(100, recipients - c * 100);
      const pending = k === 0 && c >= chunks / 2;
      chunk.run(id, c, pending ? "pending" : "sent", size, pending ? 0 : size, iso(at));
    }
    report.run(id, Math.round(recipients * 0.9), Math.round(recipients * 0.01), 2);
    if (k === 0) newest = id;
  }
  // The newest edition's ledger: one row per confirmed reader, half of them sent.
  const delivery = db.prepare(
    `INSERT INTO deliveries (edition_id, subscriber_id, chunk, variant, status, provider_id, updated_at)
     VALUES (?1, ?2, ?3, 'a-briefing', ?4, ?5, ?6)`,
  );
  let ledgerRows = 0;
  let newestReader = 0;
  const stamp = iso(now);
  for (let i = 1; i <= readers; i++) {
    if (i % 100 >= 86) continue;
    const c = Math.floor(ledgerRows / 100);
    const sent = c < chunks / 2;
    delivery.run(newest, i, c, sent ? "sent" : "queued", sent ? `${newest}:${i}` : null, stamp);
    ledgerRows++;
    newestReader = i;
  }
  db.exec("COMMIT");
  db.close();
  return { ledgerRows, newestReader };
}

async function time(query: string, run: () => Promise<number>, comparison = false): Promise<ConsoleTiming> {
  await run(); // warm: the first call compiles the statement and reads pages into the cache
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    rows = await run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => Number((ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] as number).toFixed(1));
  console.log(`  ${query}: median ${at(0.5)} ms, p95 ${at(0.95)} ms (${rows} rows)`);
  return {
    query,
    medianMs: at(0.5),
    p95Ms: at(0.95),
    maxMs: Number((ms.at(-1) as number).toFixed(1)),
    rows,
    ...(comparison ? { comparison: true as const } : {}),
  };
}

const SUBSCRIBER_TRIGGERS = ["subscriber_counts_insert", "subscriber_counts_update", "subscriber_counts_delete"];

/** rows_written of each kind of change, on fresh rows: with the triggers, then with them dropped. */
async function rowsWritten(db: D1Database): Promise<ConsoleBench["rowsWritten"]> {
  const at = new Date().toISOString();
  const changes = (email: string): [string, D1PreparedStatement][] => [
    [
      "sign-up (insert, pending)",
      db
        .prepare(
          `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
             consent_at, consent_source, consent_text_version) VALUES (?1, ?1, 'pending', 'daily', '["nato","ukraine"]', 'n', ?2, ?2, ?2, 'form', 'v1')`,
        )
        .bind(email, at),
    ],
    [
      "confirm (2 topics)",
      db
        .prepare(
          "UPDATE subscribers SET status = 'confirmed', confirmed_at = ?2, updated_at = ?2 WHERE email_normalized = ?1",
        )
        .bind(email, at),
    ],
    [
      "cadence change",
      db
        .prepare("UPDATE subscribers SET cadence = 'weekly', updated_at = ?2 WHERE email_normalized = ?1")
        .bind(email, at),
    ],
    [
      "topics change (2 → 1)",
      db
        .prepare(`UPDATE subscribers SET topics = '["nato"]', updated_at = ?2 WHERE email_normalized = ?1`)
        .bind(email, at),
    ],
    [
      "unsubscribe",
      db
        .prepare(
          "UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = ?2, updated_at = ?2 WHERE email_normalized = ?1",
        )
        .bind(email, at),
    ],
  ];
  const measure = async (email: string) => {
    const out: [string, number][] = [];
    for (const [name, statement] of changes(email)) out.push([name, (await statement.run()).meta.rows_written]);
    return out;
  };
  const withTriggers = await measure("bench.triggers@example.org");
  for (const t of SUBSCRIBER_TRIGGERS) await db.prepare(`DROP TRIGGER ${t}`).run();
  const without = await measure("bench.plain@example.org");
  return withTriggers.map(([change, n], i) => ({ change, withTriggers: n, withoutTriggers: without[i]?.[1] ?? 0 }));
}

export async function benchConsole(readers: number, editions = 1000): Promise<ConsoleBench> {
  const state = mkdtempSync(join(tmpdir(), "briefwire-console-"));
  try {
    // Let the binding create its database file, then fill the file directly.
    const first = await proxy(state);
    await first.env.DB.prepare("SELECT 1").first();
    await first.dispose();
    const file = d1File(state);
    console.log(`console: seeding ${readers} subscribers and ${editions} editions into ${file}…`);
    const t0 = performance.now();
    const { ledgerRows, newestReader } = seed(file, readers, editions);
    const seedSeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
    console.log(`console: seeded in ${seedSeconds} s (${ledgerRows} ledger rows); timing ${ROUNDS} rounds each…`);

    const platform = await proxy(state);
    const db = platform.env.DB;
    try {
      const { results: table } = await db
        .prepare(
          "SELECT status, cadence, COUNT(*) AS count FROM subscribers GROUP BY status, cadence ORDER BY status, cadence",
        )
        .all();
      const keptCountsMatch = JSON.stringify((await keptCounts(db)).byStatusAndCadence) === JSON.stringify(table);
      const { results: list } = await db
        .prepare("SELECT id FROM editions ORDER BY created_at DESC, id DESC")
        .all<{ id: string }>();
      const deepEdition = list[800]?.id as string;
      const newest = list[0]?.id as string;
      const timings = [
        // The floor: one trivial statement through the binding from Node (the proxy's round trip).
        await time(
          "floor: SELECT 1 through the binding",
          async () => ((await db.prepare("SELECT 1 AS one").first()) ? 1 : 0),
          true,
        ),
        await time(
          "overview: counts (GET /admin/stats)",
          async () => (await subscriberStats(db)).byStatusAndCadence.length,
        ),
        await time("overview: growth, 90 days", async () => (await subscriberGrowth(db)).days.length),
        await time(
          "overview: last 10 editions with figures",
          async () => (await listEditions(db, { limit: 10 })).editions.length,
        ),
        await time(
          "subscribers: first page, newest",
          async () => (await searchSubscribers(db, { limit: 50 })).rows.length,
        ),
        await time(
          "subscribers: deep page (after id 1,000)",
          async () => (await searchSubscribers(db, { after: 1000, limit: 50 })).rows.length,
        ),
        await time(
          "subscribers: bounced, deep page",
          async () =>
            (await searchSubscribers(db, { status: "bounced", after: Math.floor(readers / 10), limit: 50 })).rows
              .length,
        ),
        await time(
          "subscribers: address starts 'mar'",
          async () => (await searchSubscribers(db, { query: "mar", limit: 50 })).rows.length,
        ),
        await time(
          "subscribers: domain starts '@example12'",
          async () => (await searchSubscribers(db, { query: "@example12", limit: 50 })).rows.length,
        ),
        await time(
          "subscribers: 'ma' + complained + weekly + topic nato",
          async () =>
            (
              await searchSubscribers(db, {
                query: "ma",
                status: "complained",
                cadence: "weekly",
                topic: "nato",
                limit: 50,
              })
            ).rows.length,
        ),
        await time(
          "subscribers: topic indo-pacific, deep page",
          async () =>
            (await searchSubscribers(db, { topic: "indo-pacific", after: Math.floor(readers / 3), limit: 50 })).rows
              .length,
        ),
        await time("reader: history", async () => (await readerHistory(db, newestReader))?.history.length ?? 0),
        await time("export: a page of a filtered search (100 rows)", async () => {
          const page = await searchSubscribers(db, { query: "ma", cadence: "weekly", limit: 100 });
          return (
            await exportRowsByIds(
              db,
              page.rows.map((r) => r.id),
            )
          ).length;
        }),
        await time("editions: first page (20)", async () => (await listEditions(db)).editions.length),
        await time(
          "editions: page 41 (before the 801st)",
          async () => (await listEditions(db, { before: deepEdition })).editions.length,
        ),
        await time(
          "not run: COUNT(*) by status and cadence over the list",
          async () =>
            (await db.prepare("SELECT status, cadence, COUNT(*) FROM subscribers GROUP BY status, cadence").all())
              .results.length,
          true,
        ),
        await time(
          "not run: newest edition's figures from its ledger rows",
          async () => (await editionProgress(db, newest))?.sent ?? 0,
          true,
        ),
      ];
      const written = await rowsWritten(db);
      await platform.dispose();
      const { pages, missing } = await consolePages(state, [
        ["page: overview (/admin/)", "/admin/"],
        ["page: editions list", "/admin/editions"],
        ["page: editions list, page 41", `/admin/editions?before=${encodeURIComponent(deepEdition)}`],
        ["page: an edition in flight", `/admin/editions/${encodeURIComponent(newest)}`],
        ["page: a compacted edition", `/admin/editions/${encodeURIComponent(deepEdition)}`],
        ["page: subscribers search 'mar'", "/admin/subscribers?q=mar"],
      ]);
      return {
        subscribers: readers,
        editions,
        ledgerRows,
        seedSeconds,
        keptCountsMatch,
        timings,
        rowsWritten: written,
        pages,
        pagesMissing: missing,
      };
    } finally {
      await platform.dispose().catch(() => {});
    }
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

/** Each page through the Worker on `state`, signed in as a browser is; pages answering 404 are listed apart. */
async function consolePages(
  state: string,
  paths: [string, string][],
): Promise<{ pages: ConsoleTiming[]; missing: string[] }> {
  console.log("console: timing whole pages through the Worker (wrangler dev on the same state)…");
  const worker = await startLocalWorker({ persistTo: state });
  try {
    const signIn = await fetch(`${worker.url}/admin/sign-in`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: worker.url },
      body: new URLSearchParams({ token: "dev-admin-token" }),
      redirect: "manual",
    });
    const cookie = (signIn.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
    if (signIn.status !== 303 || !cookie) throw new Error(`console sign-in: ${signIn.status}`);
    const pages: ConsoleTiming[] = [];
    const missing: string[] = [];
    for (const [name, path] of paths) {
      const load = async () => {
        const res = await fetch(`${worker.url}${path}`, { headers: { Cookie: cookie } });
        const body = await res.arrayBuffer();
        if (res.status === 404) return -1;
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
        return Math.round(body.byteLength / 1024);
      };
      if ((await load()) === -1) {
        console.log(`  ${name}: 404, not in this build`);
        missing.push(path);
        continue;
      }
      pages.push(await time(name, load));
    }
    return { pages, missing };
  } finally {
    await worker.stop();
  }
}
