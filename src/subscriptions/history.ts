// One reader's page in the console: where they stand and what happened to them, newest first —
// their own events (subscribe requests, confirmations, choices changed, imports, unsubscribes,
// suppressions) and each digest edition sent to them with what the provider reported. Every read
// goes through an index on the subscriber's id and is bounded, so a reader of five years costs as
// much as one of a week.
//
// The per-edition rows are the send ledger's (deliveries): compaction (src/digest/compaction.ts)
// folds an edition's rows into its totals a week after it is done, so editions older than that no
// longer say who received them; `editionsKeptDays` says so.
import { KEEP_DETAIL_DAYS } from "../digest/compaction.ts";

export interface ReaderProfile {
  id: number;
  /** Null once erased: only a hash of the address is kept. */
  email: string | null;
  status: string;
  cadence: string;
  topics: string[];
  created_at: string;
  updated_at: string;
  consent_at: string;
  consent_source: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  suppressed_at: string | null;
  suppressed_reason: string | null;
  erased_at: string | null;
}

export type HistoryEntry =
  | { kind: "event"; at: string; event: string; detail: unknown }
  | {
      kind: "edition";
      at: string;
      edition: string;
      cadence: string;
      /** Ledger status: queued, sending, sent, skipped, failed, unconfirmed. */
      status: string;
      delivered_at: string | null;
      bounced_at: string | null;
      complained_at: string | null;
    };

export interface ReaderHistory {
  reader: ReaderProfile;
  /** Newest first: at most `limit` events and `limit` editions, merged. */
  history: HistoryEntry[];
  /** True when older events or editions exist beyond the ones shown. */
  truncated: boolean;
  editionsKeptDays: number;
}

export async function readerHistory(db: D1Database, subscriberId: number, limit = 50): Promise<ReaderHistory | null> {
  const [profile, events, editions] = await db.batch([
    db
      .prepare(
        `SELECT id, CASE WHEN erased_at IS NULL THEN email END AS email, status, cadence, topics, created_at, updated_at,
           consent_at, consent_source, confirmed_at, unsubscribed_at, suppressed_at, suppressed_reason, erased_at
         FROM subscribers WHERE id = ?1`,
      )
      .bind(subscriberId),
    // subscriber_events_by_subscriber (subscriber_id, id): the newest events, read backwards.
    db
      .prepare("SELECT event, at, detail FROM subscriber_events WHERE subscriber_id = ?1 ORDER BY id DESC LIMIT ?2")
      .bind(subscriberId, limit + 1),
    // deliveries_by_subscriber (subscriber_id, edition_id), read backwards: edition ids start with the
    // cadence and then the date, so this is newest first within a cadence; merged by time below.
    db
      .prepare(
        `SELECT d.edition_id, e.cadence, d.status, COALESCE(e.created_at, d.updated_at) AS at,
           d.delivered_at, d.bounced_at, d.complained_at
         FROM deliveries AS d LEFT JOIN editions AS e ON e.id = d.edition_id
         WHERE d.subscriber_id = ?1 ORDER BY d.edition_id DESC LIMIT ?2`,
      )
      .bind(subscriberId, limit + 1),
  ]);
  const row = profile?.results[0] as (Omit<ReaderProfile, "topics"> & { topics: string }) | undefined;
  if (!row) return null;
  const eventRows = (events?.results ?? []) as { event: string; at: string; detail: string | null }[];
  const editionRows = (editions?.results ?? []) as {
    edition_id: string;
    cadence: string;
    status: string;
    at: string;
    delivered_at: string | null;
    bounced_at: string | null;
    complained_at: string | null;
  }[];
  const history: HistoryEntry[] = [
    ...eventRows.slice(0, limit).map(
      (e): HistoryEntry => ({
        kind: "event",
        at: e.at,
        event: e.event,
        detail: e.detail === null ? null : JSON.parse(e.detail),
      }),
    ),
    ...editionRows.slice(0, limit).map(
      (d): HistoryEntry => ({
        kind: "edition",
        at: d.at,
        edition: d.edition_id,
        cadence: d.cadence,
        status: d.status,
        delivered_at: d.delivered_at,
        bounced_at: d.bounced_at,
        complained_at: d.complained_at,
      }),
    ),
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return {
    reader: { ...row, topics: JSON.parse(row.topics) as string[] },
    history,
    truncated: eventRows.length > limit || editionRows.length > limit,
    editionsKeptDays: KEEP_DETAIL_DAYS,
  };
}
