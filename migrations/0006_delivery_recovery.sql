-- Delivery under real operations: chunks that survive long outages, payloads frozen at the first
-- attempt, an "unconfirmed" outcome for answers that prove nothing, and the provider's later word
-- (webhooks) on each mail. SQLite cannot change a CHECK constraint in place, so the two ledger tables
-- are rebuilt with their rows copied over.

CREATE TABLE edition_chunks_next (
  edition_id TEXT NOT NULL REFERENCES editions (id),
  chunk INTEGER NOT NULL,
  -- unconfirmed: the provider refused the call because an earlier call under the same idempotency key
  -- carried another payload — the mail probably went out; webhooks settle each recipient.
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'unconfirmed')),
  enqueued INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  -- Answers that count towards the backoff (5xx, timeouts, lost answers). 429 and in-flight answers
  -- wait as the provider says and are not counted here.
  failures INTEGER NOT NULL DEFAULT 0,
  recipients INTEGER NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  -- The first attempt: the chunk is given up 23 h later (Resend keeps idempotency keys 24 h).
  first_attempt_at TEXT,
  -- When the consumer means to try again; the sweeper re-enqueues a chunk 15 minutes past it.
  next_attempt_at TEXT,
  -- Frozen at the first attempt with the recipients' addresses and links (deliveries), so a deploy
  -- that changes MAIL_FROM or SITE_URL mid-edition cannot change a retry's bytes.
  sender TEXT,
  list_id TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (edition_id, chunk)
);
INSERT INTO edition_chunks_next (edition_id, chunk, status, enqueued, attempts, recipients, sent, skipped,
  last_error, updated_at)
SELECT edition_id, chunk, status, enqueued, attempts, recipients, sent, skipped, last_error, updated_at
FROM edition_chunks;
DROP TABLE edition_chunks;
ALTER TABLE edition_chunks_next RENAME TO edition_chunks;
-- The sweeper's scan: pending chunks by when they should have moved.
CREATE INDEX edition_chunks_pending ON edition_chunks (status, next_attempt_at);

CREATE TABLE deliveries_next (
  edition_id TEXT NOT NULL REFERENCES editions (id),
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
  chunk INTEGER NOT NULL,
  variant TEXT NOT NULL,
  -- queued → (frozen at the first attempt) sending | skipped → sent | failed | unconfirmed;
  -- failed and unconfirmed become sent when the provider's webhook shows the mail went out.
  status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'skipped', 'failed', 'unconfirmed')),
  provider_id TEXT,
  -- Frozen at the first attempt: the address as it was then, and this reader's own links.
  address TEXT,
  unsubscribe_url TEXT,
  preferences_url TEXT,
  -- What the provider reported later (webhooks).
  delivered_at TEXT,
  bounced_at TEXT,
  complained_at TEXT,
  -- Set when a webhook turned a failed or unconfirmed delivery into sent.
  reconciled_at TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (edition_id, subscriber_id)
);
-- A chunk in flight across this migration was frozen without addresses: they are taken as they are now,
-- as its earlier attempts did.
INSERT INTO deliveries_next (edition_id, subscriber_id, chunk, variant, status, provider_id, address, updated_at)
SELECT d.edition_id, d.subscriber_id, d.chunk, d.variant, d.status, d.provider_id,
  CASE WHEN d.status = 'sending' THEN (SELECT s.email FROM subscribers s WHERE s.id = d.subscriber_id) END,
  d.updated_at
FROM deliveries d;
DROP TABLE deliveries;
ALTER TABLE deliveries_next RENAME TO deliveries;
CREATE INDEX deliveries_by_chunk ON deliveries (edition_id, chunk, subscriber_id);
CREATE INDEX deliveries_by_provider_id ON deliveries (provider_id);
