-- The console's overview counts the confirmation and welcome mails given up (status 'failed' in
-- mail_log, see src/mail/queue.ts). Without an index that count reads every mail ever queued, one
-- row per sign-up; this index holds only the given-up ones, which are few. status leads so the
-- count is a search on the index (status=?), covering updated_at for the last one's time.
CREATE INDEX mail_log_failed ON mail_log (status, updated_at) WHERE status = 'failed';
