-- An edition's figures now come from its chunk rows (src/digest/edition-figures.ts), never from its
-- per-recipient ledger rows. A chunk given up (failed, or unconfirmed) now keeps how many of its
-- readers were skipped at its first attempt, as a sent chunk always did; this fills that count in for
-- chunks given up before, so their readers who had left are not counted as failed. Given-up chunks
-- are few; each count is one range of the deliveries index by (edition_id, chunk).
UPDATE edition_chunks SET skipped = (
  SELECT COUNT(*) FROM deliveries
  WHERE deliveries.edition_id = edition_chunks.edition_id AND deliveries.chunk = edition_chunks.chunk
    AND deliveries.status = 'skipped'
) WHERE status IN ('failed', 'unconfirmed');
