// Ledger size benchmark: the D1 schema (migrations/) in SQLite — the engine D1 runs on — with N
// generated subscribers and a simulated month of daily editions: one ledger row per recipient, one
// handled delivery webhook per recipient, the chunks and one rendered variant per edition, and the
// real compaction (src/digest/compaction.ts, through a small D1-shaped adapter: the same statements)
// run after each day, as the 15-minute cron would — it folds the deliveries into totals and deletes
// them, the chunk rows and the renderings a week after an edition is done. Size = pages in use after
// VACUUM, every table counted.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { compactLedger } from "../src/digest/compaction.ts";

const root = join(import.meta.dirname, "..");
const DAY_MS = 86_400_000;

/** Just enough of D1's API over node:sqlite for the compaction module. */
function d1(db: DatabaseSync): D1Database {
  const statement = (sql: string, args: unknown[] = []) => ({
    bind: (...next: unknown[]) => statement(sql, next),
    all: async () => ({ results: db.prepare(sql).all(...(args as never[])) }),
    first: async () => db.prepare(sql).get(...(args as never[])) ?? null,
    run: async () => ({ meta: { changes: Number(db.prepare(sql).run(...(args as never[])).changes) } }),
  });
  return {
    prepare: (sql: string) => statement(sql),
    batch: async (statements: { run: () => Promise<unknown> }[]) => {
      db.exec("BEGIN");
      const out = [];
      for (const s of statements) out.push(await s.run());
      db.exec("COMMIT");
      return out;
    },
  } as unknown as D1Database;
}

function sizeMB(db: DatabaseSync): number {
  db.exec("VACUUM");
  const { page_count } = db.prepare("PRAGMA page_count").get() as { page_count: number };
  const { page_size } = db.prepare("PRAGMA page_size").get() as { page_size: number };
  return Number(((page_count * page_size) / 1e6).toFixed(1));
}

export interface LedgerBench {
  subscribers: number;
  days: number;
  /** Size after subscribers only, after day 7, after the last day. */
  baseMB: number;
  week1MB: number;
  monthMB: number;
  ratioMonthToWeek1: number;
  /** Ledger bytes per recipient per edition while its detail is kept (deliveries + webhook event). */
  bytesPerRecipientEdition: number;
  /** Rows of each per-edition table after the month: only the last week's editions keep their detail. */
  rowsAtMonth: Record<(typeof DETAIL_TABLES)[number], number>;
  /** MB per table (with its indexes) after week 1 and after the month, from SQLite's dbstat. */
  tableMB: Record<string, { week1: number; month: number }>;
}

/** Bytes in use per table, its indexes counted with it (after VACUUM, so pages are packed). */
function bytesByTable(db: DatabaseSync): Record<string, number> {
  const rows = db
    .prepare(
      `SELECT COALESCE(m.tbl_name, s.name) AS tbl, SUM(s.pgsize) AS bytes
         FROM dbstat AS s LEFT JOIN sqlite_master AS m ON m.name = s.name GROUP BY tbl`,
    )
    .all() as { tbl: string; bytes: number }[];
  return Object.fromEntries(rows.map((r) => [r.tbl, Number(r.bytes)]));
}

const DETAIL_TABLES = ["deliveries", "webhook_events", "edition_chunks", "edition_variants", "edition_totals"] as const;

export async function benchLedger(subscribers: number, days = 30): Promise<LedgerBench> {
  const db = new DatabaseSync(":memory:");
  db.exec("PRAGMA foreign_keys = ON");
  for (const f of readdirSync(join(root, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    db.exec(readFileSync(join(root, "migrations", f), "utf8"));
  }
  const start = Date.UTC(2026, 10, 1, 7);
  db.exec("BEGIN");
  const sub = db.prepare(
    `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
       consent_at, consent_source, consent_text_version, confirmed_at)
     VALUES (?1, ?1, 'confirmed', 'daily', '[]', 'n', ?2, ?2, ?2, 'import', 'v1', ?2)`,
  );
  const at = new Date(start).toISOString();
  for (let i = 0; i < subscribers; i++) sub.run(`reader${i}@example${i % 97}.org`, at);
  db.exec("COMMIT");
  const baseMB = sizeMB(db);
  const html = "<p>digest</p>".repeat(5000); // ~60 KB, like a rendered variant
  let week1MB = 0;
  let week1Tables: Record<string, number> = {};
  let firstDayMB = 0;
  const ledger = d1(db);
  for (let day = 0; day < days; day++) {
    const when = new Date(start + day * DAY_MS).toISOString();
    const id = `daily-${when.slice(0, 10)}`;
    db.exec("BEGIN");
    db.prepare(
      `INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, recipients, chunks, created_at, updated_at, completed_at)
       VALUES (?1, 'daily', ?2, ?2, '["a-briefing"]', '[]', 'done', ?3, ?4, ?2, ?2, ?2)`,
    ).run(id, when, subscribers, Math.ceil(subscribers / 100));
    db.prepare(
      "INSERT INTO edition_variants (edition_id, variant, subject, html, text) VALUES (?1, 'a-briefing', 'S', ?2, ?3)",
    ).run(id, html, html.slice(0, 20_000));
    const chunk = db.prepare(
      "INSERT INTO edition_chunks (edition_id, chunk, status, enqueued, attempts, recipients, sent, updated_at) VALUES (?1, ?2, 'sent', 1, 1, 100, 100, ?3)",
    );
    for (let c = 0; c < Math.ceil(subscribers / 100); c++) chunk.run(id, c, when);
    const row = db.prepare(
      "INSERT INTO deliveries (edition_id, subscriber_id, chunk, variant, status, provider_id, updated_at) VALUES (?1, ?2, ?3, 'a-briefing', 'sent', ?4, ?5)",
    );
    const event = db.prepare("INSERT INTO webhook_events (id, type, received_at) VALUES (?1, 'email.delivered', ?2)");
    for (let s = 1; s <= subscribers; s++) {
      const providerId = crypto.randomUUID();
      row.run(id, s, Math.floor((s - 1) / 100), providerId, when);
      event.run(`msg_${crypto.randomUUID()}`, when);
    }
    db.exec("COMMIT");
    if (day === 0) firstDayMB = sizeMB(db);
    // The cron's runs of that day (96 a day; as many as it takes here).
    const now = new Date(start + day * DAY_MS + DAY_MS / 2);
    const log = console.log;
    console.log = () => {}; // the compaction's log line, once per run
    try {
      for (;;) {
        const r = await compactLedger(ledger, now);
        if (!r.deliveries && !r.chunks && !r.variants && !r.webhookEvents) break;
      }
    } finally {
      console.log = log;
    }
    if (day === 6) {
      week1MB = sizeMB(db);
      week1Tables = bytesByTable(db);
    }
  }
  const monthMB = sizeMB(db);
  const monthTables = bytesByTable(db);
  const mb = (bytes = 0) => Number((bytes / 1e6).toFixed(2));
  const tableMB = Object.fromEntries(
    Object.keys(monthTables)
      .filter((t) => monthTables[t]! >= 10_000 || (week1Tables[t] ?? 0) >= 10_000)
      .map((t) => [t, { week1: mb(week1Tables[t]), month: mb(monthTables[t]) }]),
  );
  const rowsAtMonth = Object.fromEntries(
    DETAIL_TABLES.map((t) => [t, Number((db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n)]),
  ) as LedgerBench["rowsAtMonth"];
  return {
    subscribers,
    days,
    baseMB,
    week1MB,
    monthMB,
    ratioMonthToWeek1: Number((monthMB / week1MB).toFixed(2)),
    bytesPerRecipientEdition: Math.round(((firstDayMB - baseMB) * 1e6) / subscribers),
    rowsAtMonth,
    tableMB,
  };
}

if (import.meta.main) {
  for (const n of process.argv.slice(2).map(Number)) console.log(JSON.stringify(await benchLedger(n)));
}
