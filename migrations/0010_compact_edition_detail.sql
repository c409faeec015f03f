-- Compaction (src/digest/compaction.ts) also deletes a compacted edition's chunk rows (one per 100
-- recipients) and its rendered variants (tens of KB each): nothing sends, retries or sweeps a done
-- edition, and the public archive renders an edition from its briefings, not from the stored mail.
-- What the admin view still shows of them is kept here, beside the counts.
-- Renderings the edition had (one per topic variant).
ALTER TABLE edition_totals ADD COLUMN variants INTEGER;
-- The chunk errors the admin view lists (JSON [{chunk, error}], at most 20, as it shows them).
ALTER TABLE edition_totals ADD COLUMN errors TEXT;
