// Subscribers over time for the console's chart: confirmed readers at each day's end, joins and
// leaves per day, from the daily record the triggers on `subscribers` keep (migrations/0011). Days
// before that migration were rebuilt once from the rows' own dates and are flagged `reconstructed`:
// a reader who left and came back shows only their latest confirmation there.

export interface GrowthDay {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Confirmed readers at the end of the day. */
  confirmed: number;
  /** Became confirmed that day (confirmed sign-ups, re-subscriptions, imports). */
  joins: number;
  /** Left confirmed that day (unsubscribed, bounced, complained, erased). */
  leaves: number;
  /** Rebuilt from the list's dates when the record began, not recorded as it happened. */
  reconstructed: boolean;
}

export interface Growth {
  days: GrowthDay[];
  /** The first day recorded as it happened, or null if the record holds nothing yet. */
  recordedSince: string | null;
}

const DAY_MS = 86_400_000;

interface DayRow {
  day: string;
  joins: number;
  leaves: number;
  confirmed: number;
  reconstructed: number;
}

/** The last `days` UTC days up to `now`'s, oldest first, every day present (days without change carry the total). */
export async function subscriberGrowth(db: D1Database, now = new Date(), days = 90): Promise<Growth> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = new Date(today - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  const last = new Date(today).toISOString().slice(0, 10);
  // Three lookups on the day key: the window, the last day before it (the total carried in), and
  // the first recorded day.
  const [inWindow, before, recorded] = await db.batch([
    db
      .prepare(
        "SELECT day, joins, leaves, confirmed, reconstructed FROM subscriber_days WHERE day >= ?1 AND day <= ?2 ORDER BY day",
      )
      .bind(first, last),
    db.prepare("SELECT confirmed FROM subscriber_days WHERE day < ?1 ORDER BY day DESC LIMIT 1").bind(first),
    db.prepare("SELECT MIN(day) AS day FROM subscriber_days WHERE reconstructed = 0"),
  ]);
  const rows = new Map(((inWindow?.results ?? []) as DayRow[]).map((r) => [r.day, r]));
  let confirmed = ((before?.results[0] as { confirmed: number } | undefined)?.confirmed ?? 0) as number;
  const recordedSince = ((recorded?.results[0] as { day: string | null } | undefined)?.day ?? null) as string | null;
  const out: GrowthDay[] = [];
  for (let t = today - (days - 1) * DAY_MS; t <= today; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    const row = rows.get(day);
    if (row) confirmed = row.confirmed;
    out.push({
      day,
      confirmed,
      joins: row?.joins ?? 0,
      leaves: row?.leaves ?? 0,
      reconstructed: row ? row.reconstructed === 1 : recordedSince === null || day < recordedSince,
    });
  }
  return { days: out, recordedSince };
}
