// Everything the digest needs from the platform, gathered once per invocation.
import { baseUrl, signingKey } from "../config.ts";
import { loadBriefingsPublished } from "../content/load-index.ts";
import type { BriefingIndex, IndexedBriefing } from "../content/schema.ts";
import type { Bindings } from "../env.ts";
import { createTransport } from "../mail/choose-transport.ts";
import type { MailTransport, RateInfo } from "../mail/transport.ts";
import { CONSUMER_CALL_BUDGET, CONSUMER_QUERY_BUDGET } from "./consumer-budget.ts";
import { pacer } from "./pacer.ts";
import { PLAN_QUERY_BUDGET } from "./plan-budget.ts";
import type { DigestMessage } from "./queue-messages.ts";

/** Spaces provider calls (see pacer.ts); tests and the outage benchmark give one on simulated time. */
export interface CallPacer {
  wait(): Promise<void>;
  update(startedAt: number, rate: RateInfo | undefined): void;
  block(seconds: number): void;
  /** Milliseconds until the next call may start (0: now). */
  readyIn(): number;
  /** Until `untilMs` (epoch ms), leave room in the provider's rate for transactional mail. */
  reserve(untilMs: number): void;
}

export interface DigestDeps {
  db: D1Database;
  /** Chunks to send. */
  queue: Queue<DigestMessage>;
  /** Planning steps still to do (consumed beside the sender, so sends never wait behind planning). */
  planQueue: Queue<DigestMessage>;
  transport: MailTransport;
  /** The briefings the digest may mail: the index of recent briefings (or, in tests, a whole content model). */
  content: BriefingIndex;
  /**
   * Every briefing published in [from, to], from the archive's month files: what an edition reaching
   * back before `content.completeFrom` adds to the index (src/digest/edition.ts, briefingsFor).
   */
  publishedIn: (from: Date, to: Date) => Promise<IndexedBriefing[]>;
  base: string;
  from: string;
  signingKey: string;
  /** Base of the exponential backoff between retries of a failed chunk, in seconds. */
  backoffSeconds: number;
  pacer: CallPacer;
  now: () => Date;
  /** D1 queries one plan invocation may make (plan-budget.ts, PLAN_QUERY_BUDGET). */
  planQueryBudget: number;
  /** D1 queries one consumer invocation may make (consumer-budget.ts). */
  consumerQueryBudget: number;
  /** Provider calls one consumer invocation may make (consumer-budget.ts). */
  consumerCallBudget: number;
}

export function digestDeps(env: Bindings, content: BriefingIndex): DigestDeps {
  return {
    db: env.DB,
    queue: env.DIGEST_QUEUE as Queue<DigestMessage>,
    planQueue: env.DIGEST_PLAN_QUEUE as Queue<DigestMessage>,
    transport: createTransport(env),
    content,
    publishedIn: (from, to) => loadBriefingsPublished(env, from, to),
    base: baseUrl(env, content.site.baseUrl),
    from: env.MAIL_FROM || content.site.mailFrom,
    signingKey: signingKey(env),
    backoffSeconds: Number(env.DIGEST_BACKOFF_SECONDS ?? 5),
    pacer,
    now: () => new Date(),
    planQueryBudget: Number(env.DIGEST_PLAN_QUERY_BUDGET) || PLAN_QUERY_BUDGET,
    consumerQueryBudget: Number(env.DIGEST_CONSUMER_QUERY_BUDGET) || CONSUMER_QUERY_BUDGET,
    consumerCallBudget: Number(env.DIGEST_CONSUMER_CALL_BUDGET) || CONSUMER_CALL_BUDGET,
  };
}
