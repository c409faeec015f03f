// The queue consumer and the cron handler: thin wiring from platform events to the digest code.
import { baseUrl } from "../config.ts";
import type { BriefingIndex } from "../content/schema.ts";
import type { Bindings } from "../env.ts";
import { type Admission, ProviderGate } from "../mail/provider-gate.ts";
import { announceNewContent } from "../websub/ping.ts";
import { recordFirstSeen } from "./briefing-record.ts";
import { compactLedger } from "./compaction.ts";
import { InvocationBudget } from "./consumer-budget.ts";
import { type DigestDeps, digestDeps } from "./deps.ts";
import { planEdition, startEdition } from "./edition.ts";
import { sendInstantAlerts } from "./instant.ts";
import { deferChunks } from "./ledger.ts";
import { cadencesDue } from "./plan.ts";
import { countQueries } from "./query-count.ts";
import type { DigestMessage } from "./queue-messages.ts";
import {
  backoff,
  deliverChunk,
  MAX_QUEUE_DELAY_SECONDS,
  type PreparedChunk,
  prepareChunk,
  rescueChunk,
} from "./send.ts";
import { resumeStalled } from "./sweeper.ts";

export const DEAD_LETTER_QUEUE = "briefwire-digest-dlq";

/** The cron that starts the digest; the other (every 15 minutes) announces new content, sends instant alerts and resumes stalled editions. */
export const DIGEST_CRON = "0 7 * * *";

interface ScheduledStep {
  name: string;
  due: (cron: string) => boolean;
  run: (env: Bindings, content: BriefingIndex, at: Date) => Promise<unknown>;
}

/**
 * What each cron does, as independent steps: they run side by side, each with its own error handling,
 * so a failing or hanging step (a D1 error in the WebSub bookkeeping, a slow hub) never holds up or
 * aborts another — above all not the digest.
 */
export const SCHEDULED_STEPS: ScheduledStep[] = [
  {
    // Every cron notes which briefings the site shows, so a briefing deployed between runs is known from
    // the first quarter hour after the deploy (how the next edition tells a late deploy from a backfill).
    // Each edition's start notes them too, so a failure here costs nothing else.
    name: "briefings-seen",
    due: () => true,
    run: async (env, content, at) => {
      const noted = await recordFirstSeen(env.DB, content, at);
      if (noted > 0) console.log(JSON.stringify({ event: "briefings-seen", noted, at: at.toISOString() }));
    },
  },
  {
    name: "digest",
    due: (cron) => cron === DIGEST_CRON,
    run: async (env, content, at) => {
      const deps = digestDeps(env, content);
      // Each cadence on its own too: a failure starting Monday's daily edition must not stop the weekly one.
      const results = await Promise.allSettled(cadencesDue(at).map((cadence) => startEdition(deps, cadence, at)));
      const failed = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
      if (failed.length) throw new Error(failed.join("; "));
    },
  },
  {
    name: "instant",
    due: (cron) => cron !== DIGEST_CRON,
    run: (env, content, at) => sendInstantAlerts(env, content, at),
  },
  {
    name: "sweeper",
    due: (cron) => cron !== DIGEST_CRON,
    run: (env, content) => resumeStalled(digestDeps(env, content)),
  },
  {
    // A week after an edition is done, its per-recipient rows fold into totals (src/digest/compaction.ts).
    name: "compaction",
    due: (cron) => cron !== DIGEST_CRON,
    run: (env, _content, at) => compactLedger(env.DB, at),
  },
  {
    name: "websub",
    due: (cron) => cron !== DIGEST_CRON,
    run: async (env, content, at) => {
      if (env.WEBSUB_HUB) {
        await announceNewContent(env.DB, content, baseUrl(env, content.site.baseUrl), env.WEBSUB_HUB, at);
      }
    },
  },
];

export async function handleScheduled(
  controller: ScheduledController,
  env: Bindings,
  content: BriefingIndex,
): Promise<void> {
  const at = new Date(controller.scheduledTime);
  await Promise.all(
    SCHEDULED_STEPS.filter((step) => step.due(controller.cron)).map(async (step) => {
      try {
        await step.run(env, content, at);
      } catch (e) {
        console.error(
          JSON.stringify({
            event: "scheduled-step-failed",
            step: step.name,
            cron: controller.cron,
            message: String(e),
          }),
        );
      }
    }),
  );
}

export async function handleQueue(
  batch: MessageBatch<DigestMessage>,
  env: Bindings,
  content: BriefingIndex,
): Promise<void> {
  await consumeBatch(digestDeps(env, content), batch);
}

/**
 * A message retried this often continues as a fresh message instead: the queue dead-letters after
 * max_retries (100), and a chunk waiting out a long outage or a neighbour's rate limit needs more.
 */
export const FRESH_MESSAGE_AFTER = 90;

/**
 * A consumer invocation stops calling once the next call could end past this much wall time, and
 * defers the rest of its batch: the platform stops a consumer at 15 minutes.
 */
export const BATCH_WALL_BUDGET_MS = 10 * 60_000;
/** The longest one call may take before it counts as failed (the Resend transport's timeout). */
export const CALL_ALLOWANCE_MS = 20_000;

export async function consumeBatch(given: DigestDeps, batch: MessageBatch<DigestMessage>): Promise<void> {
  const deadLetters = batch.queue === DEAD_LETTER_QUEUE;
  const messages = batch.messages;
  // Every D1 query of this invocation is counted, so the batch stops within the platform's limit.
  const count = countQueries(given.db);
  const deps = { ...given, db: count.db };
  const budget = new InvocationBudget(count, deps.consumerQueryBudget, deps.consumerCallBudget);
  const startedAt = deps.now().getTime();
  // While one chunk's batch call is in flight, the next chunk is prepared (D1 reads, links, bodies),
  // so the calls follow each other as closely as the provider's rate allows. deliverChunk looks at the
  // chunk again right before its call, so a duplicate prepared ahead is not sent twice. A chunk is
  // prepared only if it fits the invocation's budget (`overlapping`: another is being sent meanwhile).
  const start = (body: { edition: string; chunk: number }): Promise<PreparedChunk> => {
    budget.chunkStarted();
    const prepared = prepareChunk(deps, body.edition, body.chunk);
    prepared.catch(() => {}); // handled when its turn comes
    return prepared;
  };
  const prepare = (i: number, overlapping: boolean): Promise<PreparedChunk> | undefined => {
    const body = messages[i]?.body;
    if (deadLetters || body?.kind !== "send" || !budget.mayStartChunk(overlapping)) return undefined;
    return start(body);
  };
  let next = prepare(0, false);
  let gate: ProviderGate | undefined;
  // Set when no chunk of this batch may call any more (the provider down or its quota spent, or the
  // wall-time, query or call budget): the rest waits until then without calling, so an outage costs one probe, not a
  // call per chunk.
  let held: { until: Date; reason: string } | undefined;
  const deferred: { message: Message<DigestMessage>; body: Extract<DigestMessage, { kind: "send" }> }[] = [];
  for (const [i, message] of messages.entries()) {
    const body = message.body;
    const prepared = next;
    next = undefined;
    try {
      if (!held && body.kind === "send" && !deadLetters) {
        const now = deps.now();
        gate ??= await ProviderGate.open(deps.db, deps.transport.name, (n) => backoff(deps, n), now);
        // The budgets come before the gate: a probe claimed and then not made would hold others back.
        // Over the count, the rest comes back at once, in the next invocation.
        const overCount =
          prepared || budget.mayStartChunk(false)
            ? undefined
            : { until: new Date(now.getTime() + 1000), reason: budget.reason };
        held = callBudgetSpent(deps, startedAt, now) ?? overCount ?? denied(await gate.admit(now));
        if (!held && gate.transactionalUntil > now.getTime()) deps.pacer.reserve(gate.transactionalUntil);
      }
      if (held && body.kind === "send" && !deadLetters) {
        deferred.push({ message, body });
        continue;
      }
      if (deadLetters) {
        // Nothing is given up here while it can still be sent: a chunk inside its window goes back on
        // the queue. A dead-lettered plan message is left to the sweeper, which resumes the edition.
        if (body.kind === "send") await rescueChunk(deps, body.edition, body.chunk);
        else console.error(JSON.stringify({ event: "digest-plan-dead-lettered", edition: body.edition }));
        message.ack();
      } else if (body.kind === "plan") {
        await planEdition(deps, body.edition);
        message.ack();
      } else {
        const ready = await (prepared ?? start(body));
        next = prepare(i + 1, true);
        const result = await deliverChunk(deps, ready, gate);
        if (result.done) message.ack();
        else await retryLater(deps, message, body, result.retryAfterSeconds);
      }
    } catch (e) {
      // Unexpected (D1 hiccup, bug): let the queue retry, and after max_retries dead-letter it. If even
      // that fails, the chunk is still pending in the ledger and the sweeper resumes it.
      console.error(JSON.stringify({ event: "digest-message-error", queue: batch.queue, body, message: String(e) }));
      message.retry({ delaySeconds: Math.max(1, deps.backoffSeconds) });
    }
    next ??= held === undefined ? prepare(i + 1, false) : undefined;
  }
  if (held && deferred.length > 0) await deferRest(deps, deferred, held);
}

/** Stop calling when the next call, after the wait the pacer asks for, could end past the budget. */
function callBudgetSpent(deps: DigestDeps, startedAt: number, now: Date) {
  const wait = deps.pacer.readyIn();
  if (now.getTime() - startedAt + wait + CALL_ALLOWANCE_MS <= BATCH_WALL_BUDGET_MS) return undefined;
  return {
    until: new Date(now.getTime() + Math.max(1000, wait)),
    reason: `the consumer's wall-time budget (${BATCH_WALL_BUDGET_MS / 60_000} min) would be passed`,
  };
}

const denied = (a: Admission) => (a.call ? undefined : { until: a.until, reason: a.reason });

/** The chunks held back without a call come back when calls may resume; the sweeper knows when too. */
async function deferRest(
  deps: DigestDeps,
  deferred: { message: Message<DigestMessage>; body: Extract<DigestMessage, { kind: "send" }> }[],
  held: { until: Date; reason: string },
) {
  const seconds = Math.max(1, Math.ceil((held.until.getTime() - deps.now().getTime()) / 1000));
  try {
    await deferChunks(
      deps.db,
      deferred.map((d) => d.body),
      held.until.toISOString(),
    );
  } catch (e) {
    // Only the sweeper's hint is lost: the messages below still come back.
    console.error(JSON.stringify({ event: "digest-defer-error", message: String(e) }));
  }
  for (const { message, body } of deferred) await retryLater(deps, message, body, seconds);
  console.log(
    JSON.stringify({
      event: "digest-batch-deferred",
      chunks: deferred.length,
      until: held.until.toISOString(),
      reason: held.reason,
    }),
  );
}

async function retryLater(deps: DigestDeps, message: Message<DigestMessage>, body: DigestMessage, seconds: number) {
  const delaySeconds = Math.min(Math.ceil(seconds), MAX_QUEUE_DELAY_SECONDS);
  if (message.attempts < FRESH_MESSAGE_AFTER) return message.retry({ delaySeconds });
  // Sent before the ack: a crash in between leaves a duplicate, which the ledger makes harmless.
  await deps.queue.send(body, { delaySeconds });
  message.ack();
}
