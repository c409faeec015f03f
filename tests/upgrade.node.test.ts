// Upgrades as an operator runs them: a database built the old way in wrangler's local D1, then
// `npm run migrate` (scripts/migrate.ts, which npm start runs too) to today's schema.
// - The previous release's database, with rows in every table: every row is still there after.
// - An installation made from the main commit that shipped the ledger compaction as
//   0007_ledger_compaction.sql (renumbered 0009 later): it used to stop at 0008 ("CHECK constraint
//   failed: children = 3") and `npm start` exited 1.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const bin = join(root, "node_modules", ".bin");
const env = {
  ...process.env,
  PATH: `${bin}:${process.env.PATH}`,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};
/**
 * The last migration of the previous release (CHANGELOG.md): bump it with each release, so this test
 * always upgrades what operators have.
 */
const PREVIOUS_RELEASE_LAST_MIGRATION = "0010_compact_edition_detail.sql";

const states: string[] = [];
afterAll(() => {
  for (const dir of states) rmSync(dir, { recursive: true, force: true });
});

/** A fresh local D1 and the wrangler commands on it. */
function database() {
  const state = mkdtempSync(join(tmpdir(), "briefwire-upgrade-"));
  states.push(state);
  const d1 = (...args: string[]) =>
    execFileSync(join(bin, "wrangler"), ["d1", ...args, "DB", "--local", "--persist-to", state], {
      cwd: root,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  const query = (sql: string) =>
    (JSON.parse(d1("execute", "--json", "--command", sql)) as { results: Record<string, unknown>[] }[]).map(
      (r) => r.results,
    );
  /** Builds it from these migrations (recorded as applied, as wrangler records them) and more SQL. */
  const build = (migrations: { name: string; sql: string }[], extra: string) => {
    const file = join(state, "old.sql");
    writeFileSync(
      file,
      [
        `CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE,
           applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);`,
        ...migrations.map((m) => `${m.sql}\nINSERT INTO d1_migrations (name) VALUES ('${m.name}');`),
        extra,
      ].join("\n"),
    );
    d1("execute", "--file", file);
  };
  const migrate = () =>
    execFileSync(process.execPath, [join(root, "scripts", "migrate.ts"), "--persist-to", state], {
      cwd: root,
      env,
      encoding: "utf8",
    });
  return { d1, query, rows: (sql: string) => query(sql)[0], build, migrate };
}

const todaysMigrations = () =>
  readdirSync(join(root, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort();
const migration = (name: string) => ({ name, sql: readFileSync(join(root, "migrations", name), "utf8") });

it("the previous release's database, with rows in every table, upgrades with every row kept", () => {
  const db = database();
  const released = todaysMigrations().filter((f) => f <= PREVIOUS_RELEASE_LAST_MIGRATION);
  db.build(
    released.map(migration),
    readFileSync(join(import.meta.dirname, "fixtures", "upgrades", "release-rows.sql"), "utf8"),
  );
  const tables = (
    db.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'") ?? []
  )
    .map((r) => String(r.name))
    .filter((t) => t !== "d1_migrations" && !t.startsWith("sqlite_"))
    .sort();
  const snapshot = () => db.query(tables.map((t) => `SELECT * FROM "${t}" ORDER BY rowid`).join(";\n"));
  const before = snapshot();
  expect(
    tables.filter((_, i) => (before[i] ?? []).length === 0),
    "the fixture has rows in every table",
  ).toEqual([]);

  expect(db.migrate()).toMatch(/^migrations: /m);

  const after = snapshot();
  tables.forEach((table, i) => {
    // Each row as it was, in the columns it had; later migrations may add columns, never lose a value.
    const kept = (after[i] ?? []).map((row) =>
      Object.fromEntries(Object.keys((before[i] ?? [])[0] ?? {}).map((column) => [column, row[column]])),
    );
    expect(kept, table).toEqual(before[i]);
  });
  expect(db.rows("SELECT name FROM d1_migrations ORDER BY name")?.map((r) => r.name)).toEqual(todaysMigrations());
}, 240_000);

it("a database that applied the old 0007 upgrades to today's schema and keeps its rows", () => {
  const { d1, rows, build, migrate } = database();
  const oldMigrations = [
    ...todaysMigrations()
      .filter((f) => f < "0007")
      .map(migration),
    {
      name: "0007_ledger_compaction.sql",
      sql: readFileSync(join(import.meta.dirname, "fixtures", "upgrades", "0007_ledger_compaction.sql"), "utf8"),
    },
  ];
  const at = "2026-11-20T07:00:00.000Z";
  build(
    oldMigrations,
    [
      `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
         consent_at, consent_source, consent_text_version, confirmed_at)
       VALUES ('kept@example.org', 'kept@example.org', 'confirmed', 'weekly', '["nato"]', 'n', '${at}', '${at}',
         '${at}', 'import', 'v1', '${at}');`,
      `INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, created_at, updated_at, completed_at)
       VALUES ('daily-2026-11-20', 'daily', '${at}', '${at}', '["a"]', '[]', 'done', '${at}', '${at}', '${at}');`,
      `INSERT INTO edition_totals (edition_id, sent, failed, skipped, pending, compacted_at)
       VALUES ('daily-2026-11-20', 980, 12, 8, 0, '${at}');`,
    ].join("\n"),
  );
  expect(() => d1("migrations", "apply"), "plain wrangler stops at 0008, as reported").toThrow();

  const summary = migrate();
  expect(summary).toContain("repairing: 0007_ledger_compaction.sql was applied before it was renumbered 0009");

  expect(rows("SELECT name FROM d1_migrations ORDER BY name")?.map((r) => r.name)).toEqual(todaysMigrations());
  expect(rows("SELECT edition_id, sent, failed, skipped, pending, unconfirmed FROM edition_totals")).toEqual([
    { edition_id: "daily-2026-11-20", sent: 980, failed: 12, skipped: 8, pending: 0, unconfirmed: 0 },
  ]);
  expect(rows("SELECT email, status, cadence FROM subscribers")).toEqual([
    { email: "kept@example.org", status: "confirmed", cadence: "weekly" },
  ]);
  expect(rows("SELECT id, status FROM editions")).toEqual([{ id: "daily-2026-11-20", status: "done" }]);
  expect(
    rows("SELECT name FROM sqlite_master WHERE name LIKE 'upgrade_aside_%' OR sql LIKE '%REFERENCES editions%totals%'"),
    "nothing set aside is left, and edition_totals references nothing",
  ).toEqual([]);
  expect(rows("SELECT name FROM sqlite_master WHERE name = 'editions_by_completion'")).toHaveLength(1);
}, 240_000);
