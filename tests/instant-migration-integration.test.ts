// migrations/0008 rebuilds subscribers, editions and resubscriptions to allow the 'instant' cadence.
// D1 enforces foreign keys, and deliveries, subscriber_events, resubscriptions, edition_variants and
// edition_chunks point at those tables: the rebuild must keep every row, every reference and every
// index. The migration already ran on this database (tests/support/apply-migrations.ts); running its
// statements again over rows in every table is the same rebuild a production database goes through.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";

const NOW = "2026-11-29T10:00:00.000Z";

async function seedEveryTable() {
  const sub = (id: number, email: string, status: string, cadence: string) =>
    env.DB.prepare(
      `INSERT INTO subscribers (id, email, email_normalized, status, cadence, topics, confirm_nonce, created_at,
         updated_at, consent_at, consent_source, consent_text_version, confirmed_at, erased_at)
       VALUES (?1, ?2, lower(?2), ?3, ?4, '["nato"]', 'n', ?5, ?5, ?5, 'import', 'v1', ?5, NULL)`,
    ).bind(id, email, status, cadence, NOW);
  await env.DB.batch([
    sub(1, "A@example.org", "confirmed", "daily"),
    sub(2, "b@example.org", "unsubscribed", "weekly"),
    sub(3, "c@example.org", "confirmed", "instant"),
    env.DB.prepare(
      "INSERT INTO subscriber_events (subscriber_id, event, at, detail) VALUES (1, 'confirmed', ?1, 'x'), (2, 'unsubscribed', ?1, NULL)",
    ).bind(NOW),
    env.DB.prepare(
      `INSERT INTO resubscriptions (subscriber_id, email, email_normalized, cadence, topics, nonce, requested_at,
         consent_source, consent_text_version) VALUES (2, 'b@example.org', 'b@example.org', 'instant', '[]', 'r', ?1, 'form', 'v1')`,
    ).bind(NOW),
    env.DB.prepare(
      `INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, created_at, updated_at)
       VALUES ('daily-2026-11-28', 'daily', ?1, ?1, '["a"]', '["nato"]', 'done', ?1, ?1),
              ('instant-20261129T1015Z', 'instant', ?1, ?1, '["a"]', '["nato"]', 'sending', ?1, ?1)`,
    ).bind(NOW),
    env.DB.prepare(
      "INSERT INTO edition_variants (edition_id, variant, subject, html, text) VALUES ('daily-2026-11-28', 'a', 's', 'h', 't')",
    ),
    env.DB.prepare(
      "INSERT INTO edition_chunks (edition_id, chunk, status, recipients, updated_at) VALUES ('daily-2026-11-28', 0, 'sent', 1, ?1)",
    ).bind(NOW),
    env.DB.prepare(
      `INSERT INTO deliveries (edition_id, subscriber_id, chunk, variant, status, updated_at)
       VALUES ('daily-2026-11-28', 1, 0, 'a', 'sent', ?1), ('instant-20261129T1015Z', 3, 0, 'a', 'queued', ?1)`,
    ).bind(NOW),
  ]);
}

const TABLES = [
  "subscribers",
  "subscriber_events",
  "resubscriptions",
  "editions",
  "edition_variants",
  "edition_chunks",
  "deliveries",
];

async function snapshot() {
  const tables: Record<string, unknown[]> = {};
  for (const t of TABLES) tables[t] = (await env.DB.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()).results;
  const indexes = (
    await env.DB.prepare(
      "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    ).all()
  ).results;
  return { tables, indexes };
}

it("rebuilds the cadence tables with rows in every table that references them: nothing lost, every reference and index kept", async () => {
  await seedEveryTable();
  const before = await snapshot();
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0008_"));
  expect(migration).toBeDefined();
  // The index it adds on deliveries is new, not a rebuild: drop it so the statements run as the first time.
  // A later migration's index on editions did not exist yet when 0008 ran: drop it before, and create
  // it again after, as the later migration does.
  const later = "CREATE INDEX editions_by_completion ON editions (status, completed_at)";
  // 0011's indexes and triggers on subscribers and editions, which a rebuild drops with its table: its
  // indexes did not exist yet either, and its statements on those tables run again after.
  const from0011 = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0011_"))!
    .queries.map((q) => q.replace(/^\s*--.*$/gm, "").trim())
    .filter(
      (q) =>
        /^CREATE (INDEX|TRIGGER)\b[^(]*\bON (subscribers|editions)\b/.test(q) ||
        /^DROP INDEX subscribers_by_status$/.test(q),
    );
  const laterIndexes = ["subscribers_by_domain", "subscribers_by_status_id", "editions_newest"];
  expect(from0011.length).toBe(laterIndexes.length + 4);
  // 0025's language columns did not exist either (0008 copies the tables with SELECT *): drop them
  // before, and add them again after, as 0025 does.
  const from0025 = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0025_"))!.queries;
  await env.DB.batch(
    [
      "DROP INDEX deliveries_by_subscriber",
      "DROP INDEX editions_by_completion",
      ...laterIndexes.map((i) => `DROP INDEX ${i}`),
      "ALTER TABLE subscribers DROP COLUMN language",
      "ALTER TABLE resubscriptions DROP COLUMN language",
      ...migration!.queries,
      later,
      ...from0011,
      ...from0025,
    ].map((q) => env.DB.prepare(q)),
  );

  const after = await snapshot();
  expect(after).toEqual(before);
  expect(before.tables.subscriber_events).toHaveLength(2);
  expect(before.tables.resubscriptions).toHaveLength(1);
  const orphans = await env.DB.prepare("PRAGMA foreign_key_check").all();
  expect(orphans.results).toEqual([]);
  // The references still bite: a delivery for a subscriber that does not exist is refused.
  await expect(
    env.DB.prepare(
      "INSERT INTO deliveries (edition_id, subscriber_id, chunk, variant, status, updated_at) VALUES ('daily-2026-11-28', 999, 0, 'a', 'sent', ?1)",
    )
      .bind(NOW)
      .run(),
  ).rejects.toThrow(/FOREIGN KEY/);
  // And the cadence check still refuses what is not a cadence.
  await expect(env.DB.prepare("UPDATE subscribers SET cadence = 'hourly' WHERE id = 1").run()).rejects.toThrow(/CHECK/);
});

it("refuses to run, changing nothing, once a table it rebuilds gained a column or a new table references one", async () => {
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0008_"));
  const rerun = () =>
    env.DB.batch(["DROP INDEX deliveries_by_subscriber", ...migration!.queries].map((q) => env.DB.prepare(q)));
  const before = await snapshot();

  await env.DB.prepare(
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, subscriber_id INTEGER REFERENCES subscribers (id))",
  ).run();
  await expect(rerun()).rejects.toThrow(/CHECK/);
  await env.DB.prepare("DROP TABLE notes").run();

  await env.DB.prepare("ALTER TABLE editions ADD COLUMN note TEXT").run();
  await expect(rerun()).rejects.toThrow(/columns/);
  await env.DB.prepare("ALTER TABLE editions DROP COLUMN note").run();

  expect(await snapshot()).toEqual(before);
});
