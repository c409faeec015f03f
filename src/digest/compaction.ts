// Keeps the send ledger's size bounded. Per-recipient rows (`deliveries`) are needed while an edition
// runs (its chunks are retried and reconciled from them), while delivery webhooks still arrive for it
// (they find the row by the provider's id; Resend's webhooks retry for about a day) and while someone
// may look at the edition's recipients in the admin view. KEEP_DETAIL_DAYS after an edition finished,
// its rows are folded into one `edition_totals` row and deleted; handled webhook events (kept to
// ignore a repeated delivery of the same event) go after the same time. Then its per-edition detail
// goes too: the chunk rows (one per 100 recipients; only a pending chunk is ever sent, swept or
// retried, and a done edition has none) and the stored renderings (tens of KB per topic variant,
// kept so every retry sends the same bytes; the public archive renders an edition from its
// briefings). What the admin view shows of them — how many variants, the chunks' errors — stays in
// the totals row. Runs from the 15-minute cron, a bounded amount of work per run, so a large backlog
// is worked off over several runs.

import { ERRORS_SHOWN } from "./ledger.ts";

/** Per-recipient detail is kept this long after an edition is done: a week covers webhook retries, the
 * provider's 24 h idempotency window and a publisher looking into last week's editions. */
export const KEEP_DETAIL_DAYS = 7;

const DAY_MS = 86_400_000;

export interface CompactionLimits {
  /** Rows deleted per statement (D1 runs each statement within its time limit). */
  batch: number;
  /** Statements per run: at 5,000 rows each, 100,000 rows every 15 minutes. */
  maxBatches: number;
}

export interface CompactionResult {
  editions: string[];
  deliveries: number;
  /** Chunk rows and stored renderings deleted. */
  chunks: number;
  variants: number;
  webhookEvents: number;
}

const DEFAULT_LIMITS: CompactionLimits = { batch: 5_000, maxBatches: 20 };

export async function compactLedger(
  db: D1Database,
  now: Date,
  limits: CompactionLimits = DEFAULT_LIMITS,
): Promise<CompactionResult> {
  const cutoff = new Date(now.getTime() - KEEP_DETAIL_DAYS * DAY_MS).toISOString();
  const result: CompactionResult = { editions: [], deliveries: 0, chunks: 0, variants: 0, webhookEvents: 0 };
  let budget = limits.maxBatches;

  const { results: due } = await db
    .prepare(
      `SELECT e.id FROM editions e
        WHERE e.status = 'done' AND e.completed_at < ?1
          AND (EXISTS (SELECT 1 FROM deliveries d WHERE d.edition_id = e.id)
            OR EXISTS (SELECT 1 FROM edition_chunks c WHERE c.edition_id = e.id)
            OR EXISTS (SELECT 1 FROM edition_variants v WHERE v.edition_id = e.id))
        ORDER BY e.completed_at LIMIT 10`,
    )
    .bind(cutoff)
    .all<{ id: string }>();

  for (const { id } of due) {
    if (budget <= 0) break;
    // The totals are written once, from the complete rows, in the same transaction as the first
    // deletion: a run stopped half-way leaves totals that still count every recipient.
    const [, first] = await db.batch([
      db
        .prepare(
          `INSERT OR IGNORE INTO edition_totals (edition_id, sent, failed, skipped, pending, unconfirmed,
             delivered, bounced, complained, reconciled, compacted_at)
           SELECT ?1,
                  COALESCE(SUM(status = 'sent'), 0), COALESCE(SUM(status = 'failed'), 0),
                  COALESCE(SUM(status = 'skipped'), 0), COALESCE(SUM(status IN ('queued', 'sending')), 0),
                  COALESCE(SUM(status = 'unconfirmed'), 0), COUNT(delivered_at), COUNT(bounced_at),
                  COUNT(complained_at), COUNT(reconciled_at), ?2
             FROM deliveries WHERE edition_id = ?1`,
        )
        .bind(id, now.toISOString()),
      deleteDeliveries(db, id, limits.batch),
    ]);
    budget--;
    let deleted = first?.meta.changes ?? 0;
    result.deliveries += deleted;
    while (deleted === limits.batch && budget > 0) {
      deleted = (await deleteDeliveries(db, id, limits.batch).run()).meta.changes;
      result.deliveries += deleted;
      budget--;
    }
    result.editions.push(id);
    if (deleted === limits.batch) continue; // rows left: the next run goes on, then deletes the rest
    // What the admin view shows of the chunks and variants is copied into the totals in the same
    // transaction as the first deletion; COALESCE keeps the first copy if a run stopped half-way.
    let chunks = limits.batch;
    while (chunks === limits.batch && budget > 0) {
      const [, variants, deletedChunks] = await db.batch([
        db
          .prepare(
            `UPDATE edition_totals SET
               variants = COALESCE(variants, (SELECT COUNT(*) FROM edition_variants WHERE edition_id = ?1)),
               errors = COALESCE(errors, (SELECT json_group_array(json_object('chunk', chunk, 'error', last_error))
                 FROM (SELECT chunk, last_error FROM edition_chunks
                        WHERE edition_id = ?1 AND last_error IS NOT NULL ORDER BY chunk LIMIT ?2)))
             WHERE edition_id = ?1`,
          )
          .bind(id, ERRORS_SHOWN),
        db.prepare("DELETE FROM edition_variants WHERE edition_id = ?1").bind(id),
        db
          .prepare(
            "DELETE FROM edition_chunks WHERE rowid IN (SELECT rowid FROM edition_chunks WHERE edition_id = ?1 LIMIT ?2)",
          )
          .bind(id, limits.batch),
      ]);
      budget--;
      chunks = deletedChunks?.meta.changes ?? 0;
      result.chunks += chunks;
      result.variants += variants?.meta.changes ?? 0;
    }
  }

  while (budget > 0) {
    const { meta } = await db
      .prepare(
        "DELETE FROM webhook_events WHERE rowid IN (SELECT rowid FROM webhook_events WHERE received_at < ?1 LIMIT ?2)",
      )
      .bind(cutoff, limits.batch)
      .run();
    result.webhookEvents += meta.changes;
    budget--;
    if (meta.changes < limits.batch) break;
  }

  if (result.deliveries || result.chunks || result.variants || result.webhookEvents) {
    console.log(JSON.stringify({ event: "ledger-compacted", ...result }));
  }
  return result;
}

function deleteDeliveries(db: D1Database, editionId: string, batch: number) {
  return db
    .prepare("DELETE FROM deliveries WHERE rowid IN (SELECT rowid FROM deliveries WHERE edition_id = ?1 LIMIT ?2)")
    .bind(editionId, batch);
}
