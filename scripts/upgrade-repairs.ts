// Repairs for databases that an earlier build of main left in a state today's migrations cannot run
// from. Each is chosen by the migrations a database has applied, runs before `wrangler d1 migrations
// apply` and, if it set rows aside, puts them back after it (scripts/migrate.ts runs both). Pure data:
// tests/upgrade-repairs.node.test.ts drives the real script against a database built the old way.

export interface Repair {
  /** What went wrong, for the log. */
  why: string;
  /** Needed for a database that has applied these migrations (names as in d1_migrations). */
  needed(applied: ReadonlySet<string>): boolean;
  before: string;
  /** Needed while this table (set aside by `before`) exists; it is dropped by `after` itself. */
  asideTable: string;
  after: string;
}

export const REPAIRS: Repair[] = [
  {
    // A main commit shipped the ledger compaction as 0007, with edition_totals referencing editions;
    // it was renumbered 0009 (without the reference) so it would run after 0008's rebuild of editions.
    // A database that applied that 0007 has a fourth table referencing editions, so 0008's guard
    // refuses to run and nothing after it applies. The repair returns it to the state after 0006 (the
    // totals set aside, without the reference), lets 0008 to today's migrations run, and puts the
    // totals back into 0009's table.
    why: "0007_ledger_compaction.sql was applied before it was renumbered 0009",
    needed: (applied) => applied.has("0007_ledger_compaction.sql") && !applied.has("0008_instant_cadence.sql"),
    before: `CREATE TABLE IF NOT EXISTS upgrade_aside_edition_totals AS SELECT * FROM edition_totals;
DROP TABLE edition_totals;
DROP INDEX IF EXISTS editions_by_completion;
DROP INDEX IF EXISTS webhook_events_by_time;
DELETE FROM d1_migrations WHERE name = '0007_ledger_compaction.sql';`,
    asideTable: "upgrade_aside_edition_totals",
    after: `INSERT OR IGNORE INTO edition_totals (edition_id, sent, failed, skipped, pending, compacted_at)
  SELECT edition_id, sent, failed, skipped, pending, compacted_at FROM upgrade_aside_edition_totals;
DROP TABLE upgrade_aside_edition_totals;`,
  },
];
