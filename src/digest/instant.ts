// Instant alerts: every quarter hour, the briefings that appeared on the site since the last run go to
// the readers who chose `instant` — one edition per quarter hour, through the same edition engine
// (claim, plan, ledger, batch calls, pacing) as the daily and weekly digests.
import type { BriefingIndex } from "../content/schema.ts";
import type { Bindings } from "../env.ts";
import { digestDeps } from "./deps.ts";
import { startEdition } from "./edition.ts";

/**
 * The 15-minute cron's instant step. Its own step: a failure is logged and costs the other steps
 * nothing; the briefings stay unclaimed on the instant cadence, so the next quarter hour's run (or one
 * within INSTANT_CATCH_UP_MS) mails them.
 */
export async function sendInstantAlerts(env: Bindings, content: BriefingIndex, at: Date): Promise<void> {
  try {
    await startEdition(digestDeps(env, content), "instant", at);
  } catch (e) {
    console.error(JSON.stringify({ event: "instant-alerts-error", at: at.toISOString(), message: String(e) }));
  }
}
