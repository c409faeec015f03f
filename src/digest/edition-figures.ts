// What an edition's readers got, without reading its per-recipient ledger rows: two queries for any
// number of editions and any list size. The console's pages, the JSON API and the end-of-edition log
// line all count this way, so an edition to a million readers costs its chunk rows (one per 100
// recipients) and one report row, not a million ledger rows.
//
// - Each settled chunk keeps how many it sent and skipped (readers who left since planning), whether
//   it was sent (the rest of its recipients were refused one by one: failed) or given up (failed or
//   unconfirmed: all but the skipped). A pending chunk counts all its recipients as pending.
// - What the provider reported later comes from edition_reports, kept by a trigger on the webhook's
//   ledger write (migrations/0011): delivered, bounced, complained, and the failed or unconfirmed
//   deliveries a webhook showed did go out (moved to sent).
// A compacted edition (compaction.ts) has no chunk rows left: its figures are its edition_totals row.

export interface KeptFigures {
  sent: number;
  failed: number;
  unconfirmed: number;
  skipped: number;
  pending: number;
  delivered: number;
  bounced: number;
  complained: number;
  /** Failed or unconfirmed deliveries that a webhook showed did go out (counted in `sent`). */
  reconciled: number;
}

const none = (): KeptFigures => ({
  sent: 0,
  failed: 0,
  unconfirmed: 0,
  skipped: 0,
  pending: 0,
  delivered: 0,
  bounced: 0,
  complained: 0,
  reconciled: 0,
});

interface ChunkFigures {
  edition_id: string;
  status: "pending" | "sent" | "failed" | "unconfirmed";
  recipients: number;
  sent: number;
  skipped: number;
}

interface ReportRow {
  edition_id: string;
  delivered: number;
  bounced: number;
  complained: number;
  reconciled_failed: number;
  reconciled_unconfirmed: number;
}

/** The figures of editions still in their ledger (not compacted), by edition id. */
export async function keptFigures(db: D1Database, ids: string[]): Promise<Map<string, KeptFigures>> {
  const figures = new Map<string, KeptFigures>(ids.map((id) => [id, none()]));
  if (ids.length === 0) return figures;
  const list = JSON.stringify(ids);
  const [chunks, reports] = await db.batch([
    // Per edition one range of the chunks' primary key (edition_id, chunk).
    db
      .prepare(
        `SELECT c.edition_id, c.status, SUM(c.recipients) AS recipients, SUM(c.sent) AS sent, SUM(c.skipped) AS skipped
         FROM json_each(?1) AS l CROSS JOIN edition_chunks AS c ON c.edition_id = l.value
         GROUP BY c.edition_id, c.status`,
      )
      .bind(list),
    db
      .prepare(
        `SELECT edition_id, delivered, bounced, complained, reconciled_failed, reconciled_unconfirmed
         FROM edition_reports WHERE edition_id IN (SELECT value FROM json_each(?1))`,
      )
      .bind(list),
  ]);
  for (const r of (chunks?.results ?? []) as ChunkFigures[]) {
    const f = figures.get(r.edition_id);
    if (!f) continue;
    if (r.status === "pending") {
      f.pending += r.recipients;
      continue;
    }
    f.skipped += r.skipped;
    if (r.status === "sent") {
      f.sent += r.sent;
      f.failed += r.recipients - r.sent - r.skipped;
    } else {
      f[r.status] += r.recipients - r.skipped;
    }
  }
  for (const r of (reports?.results ?? []) as ReportRow[]) {
    const f = figures.get(r.edition_id);
    if (!f) continue;
    f.sent += r.reconciled_failed + r.reconciled_unconfirmed;
    f.failed -= r.reconciled_failed;
    f.unconfirmed -= r.reconciled_unconfirmed;
    f.reconciled = r.reconciled_failed + r.reconciled_unconfirmed;
    f.delivered = r.delivered;
    f.bounced = r.bounced;
    f.complained = r.complained;
  }
  return figures;
}
