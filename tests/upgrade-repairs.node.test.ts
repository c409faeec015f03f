// An installation made from the main commit that shipped the ledger compaction as
// 0007_ledger_compaction.sql (renumbered 0009 later) upgrades with `npm run migrate`: it used to stop
// at 0008 ("CHECK constraint failed: children = 3") and `npm start` exited 1. Built here the old way
// with wrangler's local D1, then upgraded by the real script.
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
const state = mkdtempSync(join(tmpdir(), "briefwire-upgrade-"));
afterAll(() => rmSync(state, { recursive: true, force: true }));

const d1 = (...args: string[]) =>
  execFileSync(join(bin, "wrangler"), ["d1", ...args, "DB", "--local", "--persist-to", state], {
    cwd: root,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
const rows = (sql: string) =>
  (JSON.parse(d1("execute", "--json", "--command", sql)) as { results: Record<string, unknown>[] }[])[0]?.results;

it("a database that applied the old 0007 upgrades to today's schema and keeps its rows", () => {
  const oldMigrations = [
    ...readdirSync(join(root, "migrations"))
      .filter((f) => f.endsWith(".sql") && f < "0007")
      .sort()
      .map((f) => ({ name: f, sql: readFileSync(join(root, "migrations", f), "utf8") })),
    {
      name: "0007_ledger_compaction.sql",
      sql: readFileSync(join(import.meta.dirname, "fixtures", "upgrades", "0007_ledger_compaction.sql"), "utf8"),
    },
  ];
  const at = "2026-11-20T07:00:00.000Z";
  const file = join(state, "old.sql");
  writeFileSync(
    file,
    [
      `CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE,
         applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);`,
      ...oldMigrations.map((m) => `${m.sql}\nINSERT INTO d1_migrations (name) VALUES ('${m.name}');`),
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
  d1("execute", "--file", file);
  expect(() => d1("migrations", "apply"), "plain wrangler stops at 0008, as reported").toThrow();

  const summary = execFileSync(process.execPath, [join(root, "scripts", "migrate.ts"), "--persist-to", state], {
    cwd: root,
    env,
    encoding: "utf8",
  });
  expect(summary).toContain("repairing: 0007_ledger_compaction.sql was applied before it was renumbered 0009");

  const today = readdirSync(join(root, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort();
  expect(rows("SELECT name FROM d1_migrations ORDER BY name")?.map((r) => r.name)).toEqual(today);
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
