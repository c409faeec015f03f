// Wrong admin tokens at the sign-in form, counted per client address in D1 (migrations/0020): after
// SIGN_IN_FAILURES wrong tries in SIGN_IN_WINDOW_SECONDS, every sign-in from that client is refused
// (429 with Retry-After) until the window ends. Checked before the token is compared, so a right
// guess during the lockout is refused like a wrong one; a right token does not count.
// D1 rather than the Rate Limiting binding: the binding counts every call and cannot be read without
// counting, so it would slow a publisher who signs in often, and its windows (10 or 60 s) are short.

export const SIGN_IN_FAILURES = 10;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

const cutoff = (now: number) => new Date(now - SIGN_IN_WINDOW_SECONDS * 1000).toISOString();

/** Seconds until this client may try again, or null while it may try now. */
export async function signInLockout(db: D1Database, client: string, now = Date.now()): Promise<number | null> {
  const row = await db
    .prepare("SELECT window_start, failures FROM sign_in_failures WHERE client = ?1 AND window_start > ?2")
    .bind(client, cutoff(now))
    .first<{ window_start: string; failures: number }>();
  if (!row || row.failures < SIGN_IN_FAILURES) return null;
  const ends = Date.parse(row.window_start) + SIGN_IN_WINDOW_SECONDS * 1000;
  return Math.max(1, Math.ceil((ends - now) / 1000));
}

/** Counts a wrong token: a new window if the last one has ended. Old windows of other clients go too. */
export async function recordSignInFailure(db: D1Database, client: string, now = Date.now()): Promise<void> {
  const at = new Date(now).toISOString();
  const old = cutoff(now);
  await db.batch([
    db
      .prepare(
        `INSERT INTO sign_in_failures (client, window_start, failures) VALUES (?1, ?2, 1)
         ON CONFLICT (client) DO UPDATE SET
           failures = CASE WHEN window_start > ?3 THEN failures + 1 ELSE 1 END,
           window_start = CASE WHEN window_start > ?3 THEN window_start ELSE ?2 END`,
      )
      .bind(client, at, old),
    db.prepare("DELETE FROM sign_in_failures WHERE window_start <= ?1").bind(old),
  ]);
}
