-- Imports too big for one request (src/subscriptions/import-jobs.ts): the upload is kept in pieces of
-- at most a few thousand lines, and the import queue's consumer applies one piece per invocation, so
-- every invocation stays inside D1's per-invocation query budget. Nothing here references subscribers
-- or editions (see the guard in 0008).
CREATE TABLE import_jobs (
  id TEXT PRIMARY KEY,
  -- uploading: pieces being stored, nothing applied (an upload cut short is deleted); importing: pieces
  -- still to apply; done: every piece applied; stopped: cancelled, or a piece failed all its tries
  -- (stop_reason says which): the job's report lists the lines applied and those not.
  status TEXT NOT NULL DEFAULT 'uploading' CHECK (status IN ('uploading', 'importing', 'done', 'stopped')),
  stop_reason TEXT,
  -- The file's header line: each piece is parsed under it.
  header TEXT NOT NULL,
  pieces INTEGER NOT NULL,
  lines INTEGER NOT NULL,
  pieces_applied INTEGER NOT NULL DEFAULT 0,
  added INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  invalid INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- The upload, as raw CSV lines; first_line is the file line number of the piece's first line. The
-- text is emptied once the piece is applied.
CREATE TABLE import_pieces (
  job_id TEXT NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  first_line INTEGER NOT NULL,
  line_count INTEGER NOT NULL,
  csv TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

-- A piece's outcome, written in the same transaction as its subscribers and the job's counts: its
-- primary key makes a second application of the piece fail as a whole, so nothing counts twice.
-- report: JSON [{line, kind: "invalid" | "skipped", reason}], every line the piece did not import.
CREATE TABLE import_piece_results (
  job_id TEXT NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  added INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  report TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

-- Each address a job has read, with its first line: a later line with the same address, in any piece,
-- is reported as a duplicate of that line, as a one-request import does.
CREATE TABLE import_addresses (
  job_id TEXT NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (job_id, address)
) WITHOUT ROWID;
