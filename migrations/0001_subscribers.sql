-- Subscribers, their consent, and every change to it.

CREATE TABLE subscribers (
  id INTEGER PRIMARY KEY,
  -- As the reader typed it (trimmed, Unicode NFC, domain in ASCII/punycode): where mail goes.
  email TEXT NOT NULL,
  -- Lower-cased form of `email`: one subscription per mailbox, whatever the capitalisation.
  email_normalized TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced', 'complained')),
  cadence TEXT NOT NULL DEFAULT 'daily' CHECK (cadence IN ('daily', 'weekly')),
  -- JSON array of tag slugs; [] means every topic.
  topics TEXT NOT NULL DEFAULT '[]',
  -- Binds confirm links to one subscription attempt: a new one after an unsubscribe gets a new nonce,
  -- so an old confirmation mail can never re-subscribe someone who left.
  confirm_nonce TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- Consent record (GDPR art. 7(1)): when, from where, how, and which wording they agreed to.
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
  suppressed_reason TEXT
);

-- The digest pages through confirmed subscribers of one cadence by id (keyset pagination).
CREATE INDEX subscribers_confirmed_by_cadence ON subscribers (cadence, id) WHERE status = 'confirmed';
CREATE INDEX subscribers_by_status ON subscribers (status, cadence);

-- Append-only history of consent and status changes, kept when a subscriber changes their mind.
CREATE TABLE subscriber_events (
  id INTEGER PRIMARY KEY,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
  event TEXT NOT NULL,
  at TEXT NOT NULL,
  ip TEXT,
  user_agent TEXT,
  detail TEXT
);
CREATE INDEX subscriber_events_by_subscriber ON subscriber_events (subscriber_id, id);

-- Mail "sent" while no provider is configured (local mode): what /outbox shows.
CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  -- Same key twice (a retried send) stores the message once.
  idempotency_key TEXT NOT NULL UNIQUE,
  to_address TEXT NOT NULL,
  from_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  headers TEXT NOT NULL,
  html TEXT NOT NULL,
  text TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL
);
CREATE INDEX outbox_newest ON outbox (created_at DESC, id);
