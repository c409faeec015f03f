// WebSub publishing: when briefings newer than the last announcement appear, tell the hub which
// feeds changed (POST hub.mode=publish&hub.url=…), so subscribed readers fetch them at once instead
// of at their next poll. Runs from the cron; content changes only with a deploy, and the index of
// recent briefings holds every briefing new since the last deploy.
import type { BriefingIndex, IndexedBriefing } from "../content/schema.ts";
import { FEED_FILES } from "../feeds/document.ts";

const changedAt = (b: IndexedBriefing) => b.updated ?? b.published;

/** Every feed URL that shows any of `briefings`: the main and outcome feeds, and each of their tags'. */
export function affectedFeeds(base: string, briefings: IndexedBriefing[]): string[] {
  if (briefings.length === 0) return [];
  const prefixes = ["", "/outcomes", ...[...new Set(briefings.flatMap((b) => b.tags))].sort().map((t) => `/tags/${t}`)];
  return prefixes.flatMap((p) => Object.values(FEED_FILES).map((file) => `${base}${p}/${file}`));
}

export interface PingResult {
  hub: string;
  feeds: string[];
  failed: string[];
}

/** A hub answers a publish ping at once (it fetches the feed later); one that does not is skipped till next time. */
export const PING_TIMEOUT_MS = 3_000;

/**
 * Pings the hub for feeds with briefings changed since the last successful announcement, all feeds at
 * once, each with a short timeout: a hanging hub costs one timeout, not one per feed.
 */
export async function announceNewContent(
  db: D1Database,
  content: BriefingIndex,
  base: string,
  hub: string,
  now: Date,
  timeoutMs = PING_TIMEOUT_MS,
): Promise<PingResult> {
  const state = await db
    .prepare("SELECT announced_through FROM websub_state WHERE hub = ?1")
    .bind(hub)
    .first<{ announced_through: string }>();
  const since = state ? Date.parse(state.announced_through) : Number.NEGATIVE_INFINITY;
  // Only what is already published: a briefing dated in the future waits for its time.
  const fresh = content.briefings.filter((b) => {
    const t = Date.parse(changedAt(b));
    return t > since && t <= now.getTime();
  });
  const feeds = affectedFeeds(base, fresh);
  if (feeds.length === 0) return { hub, feeds, failed: [] };

  const answers = await Promise.all(
    feeds.map(async (url) => {
      try {
        const res = await fetch(hub, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ "hub.mode": "publish", "hub.url": url }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.body?.cancel();
        return res.ok;
      } catch {
        return false;
      }
    }),
  );
  const failed = feeds.filter((_, i) => !answers[i]);
  if (failed.length === 0) {
    const newest = Math.max(...fresh.map((b) => Date.parse(changedAt(b))));
    await db
      .prepare(
        `INSERT INTO websub_state (hub, announced_through, pinged_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (hub) DO UPDATE SET announced_through = excluded.announced_through, pinged_at = excluded.pinged_at`,
      )
      .bind(hub, new Date(newest).toISOString(), now.toISOString())
      .run();
  }
  // Nothing is recorded when a ping failed: the next cron announces the same feeds again.
  console[failed.length ? "error" : "log"](
    JSON.stringify({ event: "websub-ping", feeds: feeds.length, failed: failed.length }),
  );
  return { hub, feeds, failed };
}
