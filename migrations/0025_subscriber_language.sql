-- The language a reader's mail is written in, one of site.yaml's `languages` ("en", "fr"); NULL is the
-- site's default language, which every reader before this migration keeps. A re-subscription waiting
-- for its confirm link carries the language it asked for, applied when confirmed.
ALTER TABLE subscribers ADD COLUMN language TEXT;
ALTER TABLE resubscriptions ADD COLUMN language TEXT;
