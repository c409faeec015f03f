// The sweeper: every 15 minutes, resumes from the ledger alone whatever the queue or a crashed
// invocation left behind — a plan message never sent (crash right after the edition insert) or lost,
// chunks never enqueued, messages the queue dropped (retention) or dead-lettered and not re-enqueued.
// Everything it enqueues is idempotent: plan steps are guarded by the cursor, sends by the chunk's
// status and the idempotency key (see ledger.ts).
import type { DigestDeps } from "./deps.ts";
import {
  completeIfDone,
  markResumed,
  stalledChunks,
  stalledPlanning,
  touchEdition,
  unfinishedEditions,
} from "./ledger.ts";
import type { DigestMessage } from "./queue-messages.ts";

/** An edition or chunk that has not moved for this long (past its planned next try) is resumed. */
export const STALL_MS = 15 * 60_000;
/** Chunks re-enqueued per sweep: bounded work per invocation; the next sweep takes the rest. */
export const SWEEP_LIMIT = 500;

export interface SweepResult {
  plans: string[];
  chunks: number;
  completed: string[];
}

export async function resumeStalled(deps: DigestDeps): Promise<SweepResult> {
  const now = deps.now();
  const before = new Date(now.getTime() - STALL_MS).toISOString();
  const plans = await stalledPlanning(deps.db, before);
  for (const edition of plans) {
    await deps.planQueue.send({ kind: "plan", edition } satisfies DigestMessage);
    await touchEdition(deps.db, edition, now.toISOString());
  }
  const chunks = await stalledChunks(deps.db, before, SWEEP_LIMIT);
  for (let i = 0; i < chunks.length; i += 100) {
    const part = chunks.slice(i, i + 100);
    await deps.queue.sendBatch(
      part.map((c) => ({ body: { kind: "send", edition: c.edition_id, chunk: c.chunk } satisfies DigestMessage })),
    );
    await markResumed(deps.db, part, now.toISOString());
  }
  const unfinished = await unfinishedEditions(deps.db);
  for (const edition of unfinished) await completeIfDone(deps.db, edition, now.toISOString());
  if (plans.length || chunks.length || unfinished.length) {
    console.error(JSON.stringify({ event: "digest-resumed", plans, chunks: chunks.length, completed: unfinished }));
  }
  return { plans, chunks: chunks.length, completed: unfinished };
}
