-- The mail provider's state, shared by every consumer invocation and isolate (src/mail/provider-state.ts):
-- an outage noticed once (a circuit: "down since", and when the next single probe may call), and a
-- spent quota (no call until it resets). One row per provider.
CREATE TABLE provider_state (
  provider TEXT PRIMARY KEY,
  -- Failed calls in a row (5xx, timeouts, lost answers), whoever made them; a success resets it.
  failures INTEGER NOT NULL DEFAULT 0,
  -- Set when the failures in a row reach the circuit's threshold; cleared by the first success.
  down_since TEXT,
  -- While down: no call before this (the next probe); a probe in flight pushes it on, so one probes.
  probe_at TEXT,
  last_error TEXT,
  -- A spent daily or monthly quota: no call before its reset.
  paused_until TEXT,
  pause_reason TEXT,
  -- A confirmation or welcome mail met the limit: until then the digest leaves it room.
  transactional_until TEXT,
  updated_at TEXT NOT NULL
);

-- The 23 h give-up rule counts from the first call under a chunk's idempotency key that the provider
-- may have accepted (and so stored the key): written before that call, cleared again if the provider
-- refused it outright (rate limit, quota). A chunk deferred without a call has no clock.
ALTER TABLE edition_chunks ADD COLUMN key_used_at TEXT;
-- Chunks in flight across this migration keep the clock they had.
UPDATE edition_chunks SET key_used_at = first_attempt_at WHERE status = 'pending' AND first_attempt_at IS NOT NULL;
