-- Instant alerts: 'instant' joins 'daily' and 'weekly' as a cadence. SQLite cannot change a CHECK
-- constraint in place, so the three tables that list cadences (subscribers, editions, resubscriptions)
-- are rebuilt with the same columns, rows and ids, and every index recreated.
--
-- How, with D1 enforcing foreign keys (deliveries, subscriber_events, resubscriptions, edition_variants
-- and edition_chunks reference subscribers(id) or editions(id)):
-- - Foreign keys are deferred to the end of the migration's transaction.
-- - A parent table is copied aside, dropped and created again under its own name, then filled from the
--   copy. Dropping it counts its children as dangling; inserting the same ids under the same table
--   name resolves them again before the commit checks. (Creating "x_new" and renaming it would not:
--   the children's dangling count is never resolved and the commit fails.)
-- - Dropping a parent also runs its children's ON DELETE actions: subscriber_events' SET NULL is undone
--   from a copy of their references, and resubscriptions (CASCADE) is moved aside before the drop.
-- - Resolving the children looks them up by parent id, so deliveries gets its index by subscriber first.
PRAGMA defer_foreign_keys = true;

-- A rebuild copies the columns it names, and dropping a parent runs the ON DELETE actions of whatever
-- references it. So the migration refuses to run (nothing is changed) if the tables have changed since
-- it was written: the CHECK below fails unless exactly the three tables handled here reference
-- subscribers and editions, and each copy is preceded by a `SELECT *` insert of no rows that fails if
-- the table gained (or lost) a column. A column or reference added since must be added here too.
CREATE TABLE instant_cadence_guard (
  parent TEXT NOT NULL,
  children INTEGER NOT NULL CHECK (children = 3)
);
-- sqlite_master is readable everywhere D1 runs; its pragma functions are not.
INSERT INTO instant_cadence_guard (parent, children)
  SELECT p.name, (SELECT COUNT(*) FROM sqlite_master AS m
                  WHERE m.type = 'table' AND lower(replace(m.sql, ' ', '')) LIKE '%references' || p.name || '(%')
  FROM (SELECT 'subscribers' AS name UNION ALL SELECT 'editions') AS p;
DROP TABLE instant_cadence_guard;

-- What a subscriber already got, across cadences (deliveries.variant holds the slugs each one was
-- sent): a reader who moves from instant to daily is not mailed a briefing twice. Looked up per page
-- of recipients by subscriber id; also what keeps the rebuild below from scanning deliveries per row.
CREATE INDEX deliveries_by_subscriber ON deliveries (subscriber_id, edition_id);

CREATE TABLE resubscriptions_aside AS SELECT * FROM resubscriptions;
DROP TABLE resubscriptions;
CREATE TABLE subscriber_events_aside AS
  SELECT id, subscriber_id FROM subscriber_events WHERE subscriber_id IS NOT NULL;
CREATE TABLE subscribers_aside AS SELECT * FROM subscribers;
DROP TABLE subscribers;

CREATE TABLE subscribers (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  email_normalized TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced', 'complained')),
  cadence TEXT NOT NULL DEFAULT 'daily' CHECK (cadence IN ('instant', 'daily', 'weekly')),
  topics TEXT NOT NULL DEFAULT '[]',
  confirm_nonce TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  consent_at TEXT NOT NULL,
  consent_ip TEXT,
  consent_user_agent TEXT,
  consent_source TEXT NOT NULL CHECK (consent_source IN ('form', 'api', 'import')),
  consent_text_version TEXT NOT NULL,
  confirmation_sent_at TEXT,
  confirmed_at TEXT,
  confirmed_ip TEXT,
  unsubscribed_at TEXT,
  suppressed_at TEXT,
  suppressed_reason TEXT,
  erased_at TEXT
);
INSERT INTO subscribers SELECT * FROM subscribers_aside WHERE false;
INSERT INTO subscribers (id, email, email_normalized, status, cadence, topics, confirm_nonce, created_at,
    updated_at, consent_at, consent_ip, consent_user_agent, consent_source, consent_text_version,
    confirmation_sent_at, confirmed_at, confirmed_ip, unsubscribed_at, suppressed_at, suppressed_reason, erased_at)
  SELECT id, email, email_normalized, status, cadence, topics, confirm_nonce, created_at,
    updated_at, consent_at, consent_ip, consent_user_agent, consent_source, consent_text_version,
    confirmation_sent_at, confirmed_at, confirmed_ip, unsubscribed_at, suppressed_at, suppressed_reason, erased_at
  FROM subscribers_aside;
DROP TABLE subscribers_aside;
CREATE INDEX subscribers_confirmed_by_cadence ON subscribers (cadence, id) WHERE status = 'confirmed';
CREATE INDEX subscribers_by_status ON subscribers (status, cadence);
CREATE INDEX subscribers_pending_by_consent ON subscribers (consent_at) WHERE status = 'pending';
UPDATE subscriber_events SET subscriber_id = aside.subscriber_id
  FROM subscriber_events_aside AS aside
  WHERE aside.id = subscriber_events.id AND subscriber_events.subscriber_id IS NULL;
DROP TABLE subscriber_events_aside;

CREATE TABLE editions_aside AS SELECT * FROM editions;
DROP TABLE editions;
CREATE TABLE editions (
  id TEXT PRIMARY KEY,
  cadence TEXT NOT NULL CHECK (cadence IN ('instant', 'daily', 'weekly')),
  window_from TEXT NOT NULL,
  window_to TEXT NOT NULL,
  items TEXT NOT NULL,
  tags TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('planning', 'sending', 'done')),
  planned_through_id INTEGER NOT NULL DEFAULT 0,
  recipients INTEGER NOT NULL DEFAULT 0,
  chunks INTEGER NOT NULL DEFAULT 0,
  delivered INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  completed_at TEXT
);
INSERT INTO editions SELECT * FROM editions_aside WHERE false;
INSERT INTO editions (id, cadence, window_from, window_to, items, tags, status, planned_through_id,
    recipients, chunks, delivered, created_at, updated_at, completed_at)
  SELECT id, cadence, window_from, window_to, items, tags, status, planned_through_id,
    recipients, chunks, delivered, created_at, updated_at, completed_at
  FROM editions_aside;
DROP TABLE editions_aside;
CREATE INDEX editions_by_cadence ON editions (cadence, window_to);

CREATE TABLE resubscriptions (
  subscriber_id INTEGER PRIMARY KEY REFERENCES subscribers (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  email_normalized TEXT NOT NULL,
  cadence TEXT NOT NULL CHECK (cadence IN ('instant', 'daily', 'weekly')),
  topics TEXT NOT NULL,
  nonce TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  consent_ip TEXT,
  consent_user_agent TEXT,
  consent_source TEXT NOT NULL CHECK (consent_source IN ('form', 'api')),
  consent_text_version TEXT NOT NULL
);
INSERT INTO resubscriptions SELECT * FROM resubscriptions_aside WHERE false;
INSERT INTO resubscriptions (subscriber_id, email, email_normalized, cadence, topics, nonce, requested_at,
    consent_ip, consent_user_agent, consent_source, consent_text_version)
  SELECT subscriber_id, email, email_normalized, cadence, topics, nonce, requested_at,
    consent_ip, consent_user_agent, consent_source, consent_text_version
  FROM resubscriptions_aside;
DROP TABLE resubscriptions_aside;
CREATE INDEX resubscriptions_by_time ON resubscriptions (requested_at);

