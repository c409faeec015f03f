-- Wrong admin tokens at the console's sign-in form, per client address, in a fixed window
-- (src/console/sign-in-limit.ts): past the limit every sign-in from that client is refused until the
-- window ends, a right token too, so guessing gains nothing from trying faster. Only wrong tokens are
-- counted: a publisher signing in again and again is never slowed. References nothing, so 0008's guard
-- on the tables referencing subscribers and editions is unaffected.
CREATE TABLE sign_in_failures (
  client TEXT PRIMARY KEY,
  window_start TEXT NOT NULL,
  failures INTEGER NOT NULL
) WITHOUT ROWID;
