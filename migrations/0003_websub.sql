-- WebSub: the newest content the hub was told about, so each cron pings only for what is new.
CREATE TABLE websub_state (
  hub TEXT PRIMARY KEY,
  -- Newest briefing change (updated, else published) already announced to this hub.
  announced_through TEXT NOT NULL,
  pinged_at TEXT NOT NULL
);
