-- The planner asks for an edition's chunks not yet on the queue after each planning step
-- (unqueuedChunks in src/digest/ledger.ts). Through the primary key it walked every chunk of the
-- edition from the first, enqueued or not: at 1,000,000 readers (10,000 chunks) that was 5 rows read
-- per recipient and growing with the edition. This index holds only the chunks still waiting to be
-- enqueued, so each ask reads just those; a chunk leaves it when it is enqueued.
CREATE INDEX edition_chunks_unqueued ON edition_chunks (edition_id, chunk) WHERE enqueued = 0 AND status = 'pending';
