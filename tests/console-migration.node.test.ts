// migrations/0011 on a list that already exists: the kept counts start equal to the table, and the
// days before it are rebuilt from the rows' own dates. Run in SQLite (the engine D1 runs on) with
// the migrations before 0011 applied, rows written as the code writes them, then 0011.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { expect, it } from "vitest";

const migrations = join(import.meta.dirname, "..", "migrations");

function migrate(db: DatabaseSync, before: boolean) {
  for (const f of readdirSync(migrations)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    if (f < "0011" === before) db.exec(readFileSync(join(migrations, f), "utf8"));
  }
}

it("seeds the counts from the rows and rebuilds the earlier days: joins on confirmation, leaves on leaving", () => {
  const db = new DatabaseSync(":memory:");
  migrate(db, true);
  const add = db.prepare(
    `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
       consent_at, consent_source, consent_text_version, confirmed_at, unsubscribed_at, suppressed_at)
     VALUES (?1, ?1, ?2, ?3, ?4, 'n', ?5, ?5, ?5, 'form', 'v1', ?6, ?7, ?8)`,
  );
  const d = (day: string) => `2026-10-${day}T09:00:00.000Z`;
  add.run("a@example.org", "confirmed", "daily", '["nato"]', d("01"), d("01"), null, null);
  add.run("b@example.org", "confirmed", "weekly", "[]", d("01"), d("02"), null, null);
  add.run("c@example.org", "unsubscribed", "daily", '["nato","ukraine"]', d("02"), d("02"), d("05"), d("05"));
  add.run("d@example.org", "bounced", "instant", "[]", d("03"), d("03"), null, d("05"));
  add.run("e@example.org", "pending", "daily", "[]", d("04"), null, null, null);
  add.run("f@example.org", "confirmed", "instant", '["ukraine"]', d("04"), d("05"), null, null);
  migrate(db, false);

  expect(db.prepare("SELECT status, cadence, n FROM subscriber_counts ORDER BY status, cadence").all()).toEqual(
    db.prepare("SELECT status, cadence, COUNT(*) AS n FROM subscribers GROUP BY status, cadence ORDER BY 1, 2").all(),
  );
  expect(db.prepare("SELECT topic, confirmed FROM subscriber_topic_counts ORDER BY topic").all()).toEqual([
    { topic: "", confirmed: 1 },
    { topic: "nato", confirmed: 1 },
    { topic: "ukraine", confirmed: 1 },
  ]);
  const today = new Date().toISOString().slice(0, 10);
  expect(
    db.prepare("SELECT day, joins, leaves, confirmed, reconstructed FROM subscriber_days ORDER BY day").all(),
  ).toEqual([
    { day: "2026-10-01", joins: 1, leaves: 0, confirmed: 1, reconstructed: 1 },
    { day: "2026-10-02", joins: 2, leaves: 0, confirmed: 3, reconstructed: 1 },
    { day: "2026-10-03", joins: 1, leaves: 0, confirmed: 4, reconstructed: 1 },
    { day: "2026-10-05", joins: 1, leaves: 2, confirmed: 3, reconstructed: 1 },
    // The record starts on the migration's day, from today's confirmed count.
    { day: today, joins: 0, leaves: 0, confirmed: 3, reconstructed: 0 },
  ]);

  // From then on the triggers keep all three.
  db.prepare("UPDATE subscribers SET status = 'confirmed', confirmed_at = ?1 WHERE email = 'e@example.org'").run(
    d("06"),
  );
  db.prepare("UPDATE subscribers SET status = 'complained' WHERE email = 'a@example.org'").run();
  expect(db.prepare("SELECT joins, leaves, confirmed FROM subscriber_days WHERE day = ?1").get(today)).toEqual({
    joins: 1,
    leaves: 1,
    confirmed: 3,
  });
  expect(db.prepare("SELECT n FROM subscriber_counts WHERE status = 'complained' AND cadence = 'daily'").get()).toEqual(
    {
      n: 1,
    },
  );
  expect(db.prepare("SELECT topic, confirmed FROM subscriber_topic_counts ORDER BY topic").all()).toEqual([
    { topic: "", confirmed: 2 },
    { topic: "nato", confirmed: 0 },
    { topic: "ukraine", confirmed: 1 },
  ]);
});
