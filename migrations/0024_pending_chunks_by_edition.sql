-- Each sent chunk asks whether its edition is done (completeIfDone in src/digest/ledger.ts: no chunk
-- of the edition still pending). Through the primary key that ask walked the edition's chunks from the
-- first until a pending one: 2.4 rows read per recipient at 1,000,000 readers, growing with the
-- edition. This index holds only pending chunks, so the ask reads at most one row.
CREATE INDEX edition_chunks_pending_by_edition ON edition_chunks (edition_id, status) WHERE status = 'pending';
