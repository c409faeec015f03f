-- The console lists every edition newest first, a page at a time (keyset on created_at, id): this
-- index lets each page start where the last one ended instead of sorting the whole table per view.
CREATE INDEX editions_newest ON editions (created_at, id);
