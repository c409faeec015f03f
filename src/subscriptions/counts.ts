// The list's counts as the console and GET /admin/stats show them, read from the counts that
// triggers on `subscribers` keep (migrations/0011_console_counts.sql): a handful of rows, whatever
// the list's size, instead of a COUNT(*) over the table per view.

export interface StatusCadenceCount {
  status: string;
  cadence: string;
  count: number;
}

export interface KeptCounts {
  /** Non-zero rows, by status then cadence. */
  byStatusAndCadence: StatusCadenceCount[];
  /** Confirmed readers who chose each topic (non-zero only). */
  confirmedByTopic: Record<string, number>;
  /** Confirmed readers who chose no topic: they get every topic. */
  confirmedEveryTopic: number;
}

export async function keptCounts(db: D1Database): Promise<KeptCounts> {
  const [byStatus, byTopic] = await db.batch([
    db.prepare("SELECT status, cadence, n AS count FROM subscriber_counts WHERE n <> 0 ORDER BY status, cadence"),
    db.prepare("SELECT topic, confirmed FROM subscriber_topic_counts WHERE confirmed <> 0 ORDER BY topic"),
  ]);
  const confirmedByTopic: Record<string, number> = {};
  let confirmedEveryTopic = 0;
  for (const r of (byTopic?.results ?? []) as { topic: string; confirmed: number }[]) {
    if (r.topic === "") confirmedEveryTopic = r.confirmed;
    else confirmedByTopic[r.topic] = r.confirmed;
  }
  return {
    byStatusAndCadence: (byStatus?.results ?? []) as StatusCadenceCount[],
    confirmedByTopic,
    confirmedEveryTopic,
  };
}
