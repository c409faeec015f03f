// What the mail provider's answers say about the whole account, kept in D1 (migrations/0012) so every
// consumer invocation and isolate sees it: an outage noticed once (failed calls in a row, "down
// since", the next probe), a spent quota (no call until it resets), and a confirmation or welcome
// mail waiting for room beside the digest.

export interface ProviderState {
  failures: number;
  downSince: string | null;
  probeAt: string | null;
  lastError: string | null;
  pausedUntil: string | null;
  pauseReason: string | null;
  transactionalUntil: string | null;
}

export const UP: ProviderState = {
  failures: 0,
  downSince: null,
  probeAt: null,
  lastError: null,
  pausedUntil: null,
  pauseReason: null,
  transactionalUntil: null,
};

/** Failed calls in a row (whoever made them) after which the provider counts as down. */
export const DOWN_AFTER_FAILURES = 2;

interface Row {
  failures: number;
  down_since: string | null;
  probe_at: string | null;
  last_error: string | null;
  paused_until: string | null;
  pause_reason: string | null;
  transactional_until: string | null;
}

export async function readProviderState(db: D1Database, provider: string): Promise<ProviderState> {
  const row = await db
    .prepare(
      `SELECT failures, down_since, probe_at, last_error, paused_until, pause_reason, transactional_until
       FROM provider_state WHERE provider = ?1`,
    )
    .bind(provider)
    .first<Row>();
  if (!row) return { ...UP };
  return {
    failures: row.failures,
    downSince: row.down_since,
    probeAt: row.probe_at,
    lastError: row.last_error,
    pausedUntil: row.paused_until,
    pauseReason: row.pause_reason,
    transactionalUntil: row.transactional_until,
  };
}

/** Sets columns of the provider's row (?1 provider, ?2 now, then `params` from ?3), creating it first if needed. */
async function update(db: D1Database, provider: string, now: string, set: string, params: unknown[]) {
  await db.batch([
    db.prepare("INSERT OR IGNORE INTO provider_state (provider, updated_at) VALUES (?1, ?2)").bind(provider, now),
    db.prepare(`UPDATE provider_state SET ${set}, updated_at = ?2 WHERE provider = ?1`).bind(provider, now, ...params),
  ]);
}

/**
 * A failed call (5xx, timeout, lost answer). From the DOWN_AFTER_FAILURES-th in a row the provider is
 * down since the first of them would have been noticed, and nobody calls before `probeAt`.
 */
export async function recordProviderFailure(
  db: D1Database,
  provider: string,
  o: { failures: number; error: string; probeAt: string; now: string },
): Promise<void> {
  const down = o.failures >= DOWN_AFTER_FAILURES;
  await update(
    db,
    provider,
    o.now,
    `failures = ?3, last_error = ?4,
     down_since = CASE WHEN ?5 THEN COALESCE(down_since, ?2) ELSE down_since END,
     probe_at = CASE WHEN ?5 THEN ?6 ELSE probe_at END`,
    [o.failures, o.error.slice(0, 500), down ? 1 : 0, o.probeAt],
  );
}

/**
 * An answer from the provider: it is up. With `clearPause` (an accepted call), its quota is not spent
 * either, whatever was recorded before.
 */
export async function recordProviderUp(
  db: D1Database,
  provider: string,
  now: string,
  o: { clearPause: boolean },
): Promise<void> {
  await db
    .prepare(
      `UPDATE provider_state SET failures = 0, down_since = NULL, probe_at = NULL, last_error = NULL,
         paused_until = CASE WHEN ?3 THEN NULL ELSE paused_until END,
         pause_reason = CASE WHEN ?3 THEN NULL ELSE pause_reason END, updated_at = ?2
       WHERE provider = ?1`,
    )
    .bind(provider, now, o.clearPause ? 1 : 0)
    .run();
}

/**
 * While down, one call at a time probes: the caller that moves `probe_at` from the past to `holdUntil`
 * makes it; anyone else finds it in the future and waits. Returns whether this caller probes.
 */
export async function claimProbe(db: D1Database, provider: string, now: string, holdUntil: string): Promise<boolean> {
  const claimed = await db
    .prepare(
      `UPDATE provider_state SET probe_at = ?3, updated_at = ?2
       WHERE provider = ?1 AND down_since IS NOT NULL AND (probe_at IS NULL OR probe_at <= ?2)`,
    )
    .bind(provider, now, holdUntil)
    .run();
  return claimed.meta.changes === 1;
}

/** A spent quota: no call until `until`; a later answer never shortens a pause already set. */
export async function pauseProvider(
  db: D1Database,
  provider: string,
  o: { until: string; reason: string; now: string },
): Promise<void> {
  await update(
    db,
    provider,
    o.now,
    "paused_until = CASE WHEN paused_until > ?3 THEN paused_until ELSE ?3 END, pause_reason = ?4",
    [o.until, o.reason.slice(0, 500)],
  );
}

/** A confirmation or welcome mail met the rate limit: the digest leaves it room until `until`. */
export async function noteTransactionalWaiting(db: D1Database, provider: string, until: string, now: string) {
  await update(
    db,
    provider,
    now,
    "transactional_until = CASE WHEN transactional_until > ?3 THEN transactional_until ELSE ?3 END",
    [until],
  );
}

/**
 * When a spent quota comes back. Resend counts a daily and a monthly quota; its documentation does not
 * say at which instant either resets. Assumed here: the daily one at the next 00:00 UTC, the monthly
 * one on the first of the next month at 00:00 UTC. A wrong guess costs one call: a quota answer after
 * the assumed reset pauses again until the next one.
 */
export function quotaResetAt(period: "daily" | "monthly", now: Date): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  return period === "daily" ? new Date(Date.UTC(y, m, now.getUTCDate() + 1)) : new Date(Date.UTC(y, m + 1, 1));
}

/** Why calls are held, and until when, for the admin view: a spent quota, or the provider down. */
export async function providerPause(db: D1Database, now: Date): Promise<{ until: string; reason: string } | null> {
  const at = now.toISOString();
  const row = await db
    .prepare(
      `SELECT paused_until, pause_reason, down_since, probe_at, last_error FROM provider_state
       WHERE paused_until > ?1 OR down_since IS NOT NULL ORDER BY paused_until DESC LIMIT 1`,
    )
    .bind(at)
    .first<Pick<Row, "paused_until" | "pause_reason" | "down_since" | "probe_at" | "last_error">>();
  if (!row) return null;
  if (row.paused_until && row.paused_until > at) {
    return { until: row.paused_until, reason: row.pause_reason ?? "quota" };
  }
  return {
    until: row.probe_at ?? at,
    reason: `provider down since ${row.down_since}; next probe then. Last error: ${row.last_error ?? "none"}`,
  };
}
