-- Subscriber data you can defend: suppression that holds, erasure, bombing limits, queued mail.

-- Erasure on request (DELETE /admin/subscribers/<email>): the row stays as a suppression entry whose
-- address is only a SHA-256 hash ("erased:<hex>" in email and email_normalized), so the ledger keeps
-- its references and the address is never mailed again by accident.
ALTER TABLE subscribers ADD COLUMN erased_at TEXT;

-- The event log must outlive a pending sign-up that expired (its row is deleted, the "expired" event
-- stays without a subscriber). SQLite cannot change a column's constraints in place: the table is
-- rebuilt with a nullable subscriber_id that is set to NULL when its subscriber row is deleted.
-- Nothing references subscriber_events, so dropping the old table is safe.
CREATE TABLE subscriber_events_new (
  id INTEGER PRIMARY KEY,
  subscriber_id INTEGER REFERENCES subscribers (id) ON DELETE SET NULL,
  event TEXT NOT NULL,
  at TEXT NOT NULL,
  ip TEXT,
  user_agent TEXT,
  detail TEXT
);
INSERT INTO subscriber_events_new (id, subscriber_id, event, at, ip, user_agent, detail)
  SELECT id, subscriber_id, event, at, ip, user_agent, detail FROM subscriber_events;
DROP TABLE subscriber_events;
ALTER TABLE subscriber_events_new RENAME TO subscriber_events;
CREATE INDEX subscriber_events_by_subscriber ON subscriber_events (subscriber_id, id);

-- A subscribe request for an address that left (unsubscribed, bounced, complained, erased) changes
-- nothing on its row: it waits here, with its own consent record, until the confirm POST applies it.
CREATE TABLE resubscriptions (
  subscriber_id INTEGER PRIMARY KEY REFERENCES subscribers (id) ON DELETE CASCADE,
  -- Where the confirmation goes (an erased row no longer knows its address).
  email TEXT NOT NULL,
  email_normalized TEXT NOT NULL,
  cadence TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly')),
  topics TEXT NOT NULL,
  -- The confirm link's nonce for this attempt.
  nonce TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  consent_ip TEXT,
  consent_user_agent TEXT,
  consent_source TEXT NOT NULL CHECK (consent_source IN ('form', 'api')),
  consent_text_version TEXT NOT NULL
);
CREATE INDEX resubscriptions_by_time ON resubscriptions (requested_at);

-- Confirmation mails per mailbox (SHA-256 of the address without its +suffix): the cooldown and the
-- "at most 3 a day" limit count here, whatever variant of the address was typed. Kept 24 hours.
CREATE TABLE confirmation_sends (
  mailbox TEXT NOT NULL,
  sent_at TEXT NOT NULL
);
CREATE INDEX confirmation_sends_by_mailbox ON confirmation_sends (mailbox, sent_at);

-- Pending sign-ups expire after 7 days: the cleanup finds them by the time of their last request.
CREATE INDEX subscribers_pending_by_consent ON subscribers (consent_at) WHERE status = 'pending';

-- Confirmation and welcome mails go through the briefwire-mail queue; one row per mail, by its
-- idempotency key, so a redelivered message is never sent twice and a mail given up is on record.
CREATE TABLE mail_log (
  idempotency_key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  subscriber_id INTEGER,
  status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'dropped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  provider_id TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
