-- The digest: editions, their rendered variants, the chunks sent to the provider, and the ledger of
-- who got what. The exactly-once argument is in src/digest/ledger.ts.

CREATE TABLE editions (
  -- Deterministic (e.g. daily-2026-11-28): a cron fired twice or an admin run racing the cron finds
  -- the row already there and starts nothing.
  id TEXT PRIMARY KEY,
  cadence TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly')),
  window_from TEXT NOT NULL,
  window_to TEXT NOT NULL,
  -- JSON: the briefing slugs in the edition, newest first, and the union of their tags.
  items TEXT NOT NULL,
  tags TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('planning', 'sending', 'done')),
  -- Keyset cursor: planning has assigned every matching subscriber with id <= this.
  planned_through_id INTEGER NOT NULL DEFAULT 0,
  recipients INTEGER NOT NULL DEFAULT 0,
  chunks INTEGER NOT NULL DEFAULT 0,
  delivered INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  completed_at TEXT
);
CREATE INDEX editions_by_cadence ON editions (cadence, window_to);

-- One rendering per edition and topic variant (the slugs a group of subscribers gets); per-recipient
-- links are placeholders substituted at send time. Stored, so every retry sends identical bytes.
CREATE TABLE edition_variants (
  edition_id TEXT NOT NULL REFERENCES editions (id),
  variant TEXT NOT NULL,
  subject TEXT NOT NULL,
  html TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (edition_id, variant)
);

-- A chunk is one provider batch call of at most 100 recipients.
CREATE TABLE edition_chunks (
  edition_id TEXT NOT NULL REFERENCES editions (id),
  chunk INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  enqueued INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  recipients INTEGER NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (edition_id, chunk)
);

-- The ledger: one row per edition and subscriber, so nobody can be planned twice.
-- queued → (frozen for the first attempt) sending | skipped → sent | failed.
CREATE TABLE deliveries (
  edition_id TEXT NOT NULL REFERENCES editions (id),
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
  chunk INTEGER NOT NULL,
  variant TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'skipped', 'failed')),
  provider_id TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (edition_id, subscriber_id)
);
CREATE INDEX deliveries_by_chunk ON deliveries (edition_id, chunk, subscriber_id);
CREATE INDEX deliveries_by_provider_id ON deliveries (provider_id);

-- Webhook deliveries already handled (Svix may deliver one event more than once).
CREATE TABLE webhook_events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  received_at TEXT NOT NULL
);
