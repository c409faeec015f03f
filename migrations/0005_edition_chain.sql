-- What lets every edition choose its briefings so that each reaches a cadence's readers once, whatever
-- runs happen (src/digest/plan.ts chooses, src/digest/briefing-record.ts keeps the record).

-- When a scheduled step (either cron, the sweeper, an edition's start) first saw each briefing on the
-- site. A briefing published more than 7 days before it was first seen is a backfill: regular editions
-- leave it out; an admin run whose window holds it mails it.
CREATE TABLE briefings_seen (
  slug TEXT PRIMARY KEY,
  first_seen TEXT NOT NULL
);

-- Per cadence, the edition each briefing went out in. The primary key is the guarantee: one edition
-- per cadence can claim a briefing, and the claim is written in the same transaction as the edition.
-- cadence is free text and edition_id no foreign key, so any cadence (instant alerts too) can use it.
CREATE TABLE edition_briefings (
  cadence TEXT NOT NULL,
  slug TEXT NOT NULL,
  edition_id TEXT NOT NULL,
  PRIMARY KEY (cadence, slug)
);
CREATE INDEX edition_briefings_by_edition ON edition_briefings (edition_id);

-- Editions started before this record existed: what they carried went out.
INSERT OR IGNORE INTO edition_briefings (cadence, slug, edition_id)
  SELECT e.cadence, j.value, e.id FROM editions AS e, json_each(e.items) AS j ORDER BY e.created_at, e.id;
