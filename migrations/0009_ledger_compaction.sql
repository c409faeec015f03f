-- The send ledger keeps one row per recipient only while that detail is needed (retries and
-- reconciliation of a running edition, delivery webhooks, the admin view of a recent edition); then
-- src/digest/compaction.ts folds an edition's rows into these totals and deletes them, so the
-- ledger's size follows the subscribers of the last few days' editions, not every edition ever sent.
CREATE TABLE edition_totals (
  -- No foreign key: editions are never deleted, and a table referencing editions would have to be
  -- moved aside by every later rebuild of editions (as 0008 does).
  edition_id TEXT PRIMARY KEY,
  sent INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  skipped INTEGER NOT NULL,
  pending INTEGER NOT NULL,
  unconfirmed INTEGER NOT NULL DEFAULT 0,
  -- What the provider's webhooks had reported by then (delivered, bounced, complained), and how many
  -- failed or unconfirmed rows they turned into sent.
  delivered INTEGER NOT NULL DEFAULT 0,
  bounced INTEGER NOT NULL DEFAULT 0,
  complained INTEGER NOT NULL DEFAULT 0,
  reconciled INTEGER NOT NULL DEFAULT 0,
  compacted_at TEXT NOT NULL
);

-- What compaction looks for: finished editions by age, and handled webhook events by age.
CREATE INDEX editions_by_completion ON editions (status, completed_at);
CREATE INDEX webhook_events_by_time ON webhook_events (received_at);
