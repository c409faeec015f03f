-- What the publisher's console reads at a million subscribers without counting the list per view:
-- counts kept by triggers on `subscribers` (by status and cadence; confirmed readers per topic), a
-- daily record of joins, leaves and the confirmed total, and the indexes its search and edition list
-- page through, and what the provider reported per edition. Read by src/subscriptions/counts.ts,
-- growth.ts, search.ts and src/digest/edition-list.ts.
--
-- The triggers live on `subscribers` and `deliveries`: a later migration that rebuilds either table (as
-- 0006 and 0008 did) drops them with it and must create them again (and reseed what they keep). D1's
-- meta.changes counts the rows a trigger writes too: code that needs the rows a statement changed
-- reads them with RETURNING. The new tables reference nothing, so 0008's guard on the tables
-- referencing subscribers and editions is unaffected.

-- Subscribers by status and cadence: every row of `subscribers` is counted in exactly one row here.
CREATE TABLE subscriber_counts (
  status TEXT NOT NULL,
  cadence TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (status, cadence)
) WITHOUT ROWID;

-- Confirmed readers per topic they chose; topic '' counts those who chose none (they get every topic).
CREATE TABLE subscriber_topic_counts (
  topic TEXT PRIMARY KEY,
  confirmed INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per UTC day on which the confirmed list changed: joins (became confirmed), leaves (left
-- confirmed: unsubscribed, bounced, complained, erased, deleted) and the confirmed total after the
-- day's last change. Days with no row had no change (the chart carries the total forward).
-- `reconstructed` marks the days this migration rebuilt from the rows' own dates (see below).
CREATE TABLE subscriber_days (
  day TEXT PRIMARY KEY,
  joins INTEGER NOT NULL DEFAULT 0,
  leaves INTEGER NOT NULL DEFAULT 0,
  confirmed INTEGER NOT NULL,
  reconstructed INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO subscriber_counts (status, cadence, n)
  SELECT status, cadence, COUNT(*) FROM subscribers GROUP BY status, cadence;

INSERT INTO subscriber_topic_counts (topic, confirmed)
  SELECT t.value, COUNT(*) FROM subscribers AS s,
    json_each(CASE WHEN json_array_length(s.topics) = 0 THEN '[""]' ELSE s.topics END) AS t
  WHERE s.status = 'confirmed' GROUP BY t.value;

-- Days before this migration, rebuilt once from what each row still says: a join on the day of its
-- (latest) confirmation, a leave on the day it unsubscribed or was suppressed. A reader who left and
-- came back shows only their latest confirmation; rows deleted before (expired pending sign-ups) were
-- never confirmed. The running total therefore ends at today's confirmed count, as the kept counts do.
WITH changes (day, joins, leaves) AS (
  SELECT substr(confirmed_at, 1, 10), 1, 0 FROM subscribers WHERE confirmed_at IS NOT NULL
  UNION ALL
  SELECT substr(COALESCE(unsubscribed_at, suppressed_at, updated_at), 1, 10), 0, 1 FROM subscribers
  WHERE confirmed_at IS NOT NULL AND status <> 'confirmed'
), days AS (
  SELECT day, SUM(joins) AS joins, SUM(leaves) AS leaves FROM changes GROUP BY day
)
INSERT INTO subscriber_days (day, joins, leaves, confirmed, reconstructed)
  SELECT day, joins, leaves, SUM(joins - leaves) OVER (ORDER BY day), 1 FROM days WHERE true;
-- The record starts today: from here on the triggers write each change as it happens (today's row
-- also holds what was rebuilt of today's earlier changes).
INSERT INTO subscriber_days (day, confirmed, reconstructed)
  VALUES (date('now'), (SELECT COUNT(*) FROM subscribers WHERE status = 'confirmed'), 0)
  ON CONFLICT (day) DO UPDATE SET reconstructed = 0;

-- The triggers. Each keeps all three tables in one body, so the day's total is read after the counts
-- moved. Rows they write per change (D1 bills each; bench/console.ts measures them): a sign-up 1; a
-- confirmation or a leave 2 count rows + 1 day row + 1 per topic (the reader's k topics, or the
-- "every topic" row); a cadence change 2; a confirmed reader's topics change k old + m new.
-- Other changes (addresses, consent, timestamps) write nothing more.
CREATE TRIGGER subscriber_counts_insert AFTER INSERT ON subscribers
BEGIN
  INSERT INTO subscriber_counts (status, cadence, n) VALUES (new.status, new.cadence, 1)
    ON CONFLICT (status, cadence) DO UPDATE SET n = n + 1;
  INSERT INTO subscriber_topic_counts (topic, confirmed)
    SELECT t.value, 1 FROM json_each(CASE WHEN json_array_length(new.topics) = 0 THEN '[""]' ELSE new.topics END) AS t
    WHERE new.status = 'confirmed'
    ON CONFLICT (topic) DO UPDATE SET confirmed = confirmed + 1;
  INSERT INTO subscriber_days (day, joins, confirmed)
    SELECT date('now'), 1, (SELECT COALESCE(SUM(n), 0) FROM subscriber_counts WHERE status = 'confirmed')
    WHERE new.status = 'confirmed'
    ON CONFLICT (day) DO UPDATE SET joins = joins + 1, confirmed = excluded.confirmed;
END;

CREATE TRIGGER subscriber_counts_delete AFTER DELETE ON subscribers
BEGIN
  UPDATE subscriber_counts SET n = n - 1 WHERE status = old.status AND cadence = old.cadence;
  UPDATE subscriber_topic_counts SET confirmed = confirmed - 1
    WHERE old.status = 'confirmed' AND topic IN
      (SELECT value FROM json_each(CASE WHEN json_array_length(old.topics) = 0 THEN '[""]' ELSE old.topics END));
  INSERT INTO subscriber_days (day, leaves, confirmed)
    SELECT date('now'), 1, (SELECT COALESCE(SUM(n), 0) FROM subscriber_counts WHERE status = 'confirmed')
    WHERE old.status = 'confirmed'
    ON CONFLICT (day) DO UPDATE SET leaves = leaves + 1, confirmed = excluded.confirmed;
END;

CREATE TRIGGER subscriber_counts_update AFTER UPDATE OF status, cadence, topics ON subscribers
  WHEN old.status IS NOT new.status OR old.cadence IS NOT new.cadence OR old.topics IS NOT new.topics
BEGIN
  UPDATE subscriber_counts SET n = n - 1 WHERE status = old.status AND cadence = old.cadence
    AND (old.status IS NOT new.status OR old.cadence IS NOT new.cadence);
  INSERT INTO subscriber_counts (status, cadence, n)
    SELECT new.status, new.cadence, 1 WHERE old.status IS NOT new.status OR old.cadence IS NOT new.cadence
    ON CONFLICT (status, cadence) DO UPDATE SET n = n + 1;
  UPDATE subscriber_topic_counts SET confirmed = confirmed - 1
    WHERE old.status = 'confirmed' AND (new.status <> 'confirmed' OR old.topics <> new.topics) AND topic IN
      (SELECT value FROM json_each(CASE WHEN json_array_length(old.topics) = 0 THEN '[""]' ELSE old.topics END));
  INSERT INTO subscriber_topic_counts (topic, confirmed)
    SELECT t.value, 1 FROM json_each(CASE WHEN json_array_length(new.topics) = 0 THEN '[""]' ELSE new.topics END) AS t
    WHERE new.status = 'confirmed' AND (old.status <> 'confirmed' OR old.topics <> new.topics)
    ON CONFLICT (topic) DO UPDATE SET confirmed = confirmed + 1;
  INSERT INTO subscriber_days (day, joins, leaves, confirmed)
    SELECT date('now'), new.status = 'confirmed', old.status = 'confirmed',
      (SELECT COALESCE(SUM(n), 0) FROM subscriber_counts WHERE status = 'confirmed')
    WHERE (old.status = 'confirmed') <> (new.status = 'confirmed')
    ON CONFLICT (day) DO UPDATE SET joins = joins + excluded.joins, leaves = leaves + excluded.leaves,
      confirmed = excluded.confirmed;
END;

-- Search (src/subscriptions/search.ts): the start of an address uses the unique index on
-- email_normalized; the start of a domain uses this one, in address order within a domain.
CREATE INDEX subscribers_by_domain ON subscribers (substr(email_normalized, instr(email_normalized, '@') + 1),
  email_normalized);

-- Paging one status newest first (every bounced reader, say) needs the ids in order within a status.
-- It replaces the (status, cadence) index, whose one reader, the stats count, now reads the kept counts:
-- same rows written per change, and a status with a cadence is filtered within a bounded window.
DROP INDEX subscribers_by_status;
CREATE INDEX subscribers_by_status_id ON subscribers (status, id);

-- The editions list, newest first, by keyset on (created_at, id).
CREATE INDEX editions_newest ON editions (created_at, id);

-- The editions list's figures for an edition still in its ledger (src/digest/edition-list.ts): what
-- went out comes from its chunk rows (one per 100 recipients, written by the send path anyway); what
-- the provider reported later is kept here per edition by a trigger on the webhook's ledger write —
-- one more row written per delivery event, nothing more on the send path (the trigger's condition is
-- false for every status change the send path makes). Compaction folds the same figures into
-- edition_totals; a compacted edition's row here is no longer read.
-- reconciled_*: deliveries recorded failed or unconfirmed that a webhook showed did go out.
CREATE TABLE edition_reports (
  edition_id TEXT PRIMARY KEY,
  delivered INTEGER NOT NULL DEFAULT 0,
  bounced INTEGER NOT NULL DEFAULT 0,
  complained INTEGER NOT NULL DEFAULT 0,
  reconciled_failed INTEGER NOT NULL DEFAULT 0,
  reconciled_unconfirmed INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- A reconciled row's chunk keeps the status it was given up with: that says where the row came from.
INSERT INTO edition_reports (edition_id, delivered, bounced, complained, reconciled_failed, reconciled_unconfirmed)
  SELECT d.edition_id, COUNT(d.delivered_at), COUNT(d.bounced_at), COUNT(d.complained_at),
    COALESCE(SUM(d.reconciled_at IS NOT NULL AND c.status = 'failed'), 0),
    COALESCE(SUM(d.reconciled_at IS NOT NULL AND c.status = 'unconfirmed'), 0)
  FROM deliveries AS d LEFT JOIN edition_chunks AS c ON c.edition_id = d.edition_id AND c.chunk = d.chunk
  GROUP BY d.edition_id;

CREATE TRIGGER deliveries_reported AFTER UPDATE OF delivered_at, bounced_at, complained_at, status ON deliveries
  WHEN (old.delivered_at IS NULL AND new.delivered_at IS NOT NULL)
    OR (old.bounced_at IS NULL AND new.bounced_at IS NOT NULL)
    OR (old.complained_at IS NULL AND new.complained_at IS NOT NULL)
    OR (old.status IN ('failed', 'unconfirmed') AND new.status = 'sent')
BEGIN
  INSERT INTO edition_reports (edition_id, delivered, bounced, complained, reconciled_failed, reconciled_unconfirmed)
    VALUES (new.edition_id,
      old.delivered_at IS NULL AND new.delivered_at IS NOT NULL,
      old.bounced_at IS NULL AND new.bounced_at IS NOT NULL,
      old.complained_at IS NULL AND new.complained_at IS NOT NULL,
      old.status = 'failed' AND new.status = 'sent',
      old.status = 'unconfirmed' AND new.status = 'sent')
    ON CONFLICT (edition_id) DO UPDATE SET
      delivered = delivered + excluded.delivered, bounced = bounced + excluded.bounced,
      complained = complained + excluded.complained,
      reconciled_failed = reconciled_failed + excluded.reconciled_failed,
      reconciled_unconfirmed = reconciled_unconfirmed + excluded.reconciled_unconfirmed;
END;
