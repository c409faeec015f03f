// Starting an edition (cron and admin run share this) and planning it page by page through the queue.
import { completedFor } from "../content/load-index.ts";
import type { BriefingIndex, IndexedBriefing } from "../content/schema.ts";
import { defaultLanguage } from "../i18n/locale.ts";
import { cadenceRecord, createEdition, receivedElsewhere } from "./briefing-record.ts";
import type { DigestDeps } from "./deps.ts";
import {
  commitPlanStep,
  completeIfDone,
  countRecipients,
  type EditionRow,
  getEdition,
  insertVariant,
  markEnqueued,
  recipientsAfter,
  storedVariants,
  unqueuedChunks,
} from "./ledger.ts";
import {
  batchesFor,
  type Cadence,
  CHUNK_SIZE,
  type EditionChoice,
  languageOfVariant,
  planChunks,
  regularEdition,
  slugsOfVariant,
  tagsOfItems,
  windowEdition,
} from "./plan.ts";
import { chunksPerStep, PLAN_STEP, stepQueries, VARIANTS_PER_STEP } from "./plan-budget.ts";
import { countQueries } from "./query-count.ts";
import type { DigestMessage } from "./queue-messages.ts";
import { renderVariant } from "./render.ts";

export interface EditionSummary {
  edition: string;
  items: number;
  recipients: number;
  batches: number;
  /** False when the edition already existed (cron fired twice, admin run raced the cron, rerun). */
  started: boolean;
}

function log(event: string, fields: Record<string, unknown>) {
  console.log(JSON.stringify({ event, ...fields }));
}

/** How often a run chooses again after another run claimed some of its briefings first. */
const CHOOSE_ATTEMPTS = 5;

/**
 * Starts an edition of `cadence`: records it once, with its briefings claimed on the cadence, and hands
 * planning to the queue. Without `from` it is a regular run at `to` (every briefing not yet mailed on
 * the cadence, backfills aside); with `from` an admin run for the window [from, to]. A run that finds
 * nothing new records nothing and sends nothing.
 */
export async function startEdition(deps: DigestDeps, cadence: Cadence, to: Date, from?: Date): Promise<EditionSummary> {
  let choice: EditionChoice | undefined;
  for (let attempt = 1; ; attempt++) {
    choice = await chooseEdition(deps, cadence, to, from);
    // After choosing: a run racing this one may have committed the same edition in the meantime.
    const existing = await getEdition(deps.db, choice.id);
    if (existing) return summaryOf(existing, false);
    if (choice.items.length === 0) {
      log("digest-empty", { edition: choice.id, from: choice.from.toISOString(), to: choice.to.toISOString() });
      return { edition: choice.id, items: 0, recipients: 0, batches: 0, started: false };
    }
    const created = await createEdition(
      deps.db,
      { ...choice, items: choice.items.map((b) => b.slug), tags: tagsOfItems(choice.items) },
      deps.now().toISOString(),
    );
    if (created === "created") break;
    // Either the same edition was created meanwhile (found above next time round), or another run
    // claimed some of these briefings first: choose again from what is left.
    if (attempt === CHOOSE_ATTEMPTS)
      throw new Error(`edition ${choice.id}: briefings kept being claimed by other runs`);
  }
  const items = choice.items;
  const tags = tagsOfItems(items);
  const recipients = await countRecipients(deps.db, cadence, tags);
  await deps.planQueue.send({ kind: "plan", edition: choice.id } satisfies DigestMessage);
  log("digest-started", { edition: choice.id, items: items.length, recipients, batches: batchesFor(recipients) });
  return { edition: choice.id, items: items.length, recipients, batches: batchesFor(recipients), started: true };
}

/**
 * The briefings an edition reaching back to `from` may hold. The index (deps.content) has every
 * briefing published in the last 62 days before the newest one; a regular run never needs more, since
 * anything older is a backfill (published more than 7 days before anyone saw it) and backfills go out
 * only when an admin run asks for their window. Such a window can reach any date, and a backfill
 * deployed today with an old `published` date is in no index: so a window starting before
 * `completeFrom` reads the months it covers from the archive's month files (every briefing, by month
 * published) and adds what the index lacks. The index stays small, and the digest still finds every
 * briefing a window asks for.
 */
function briefingsFor(deps: DigestDeps, from: Date, to: Date): Promise<BriefingIndex> {
  return completedFor(deps.content, from, to, deps.publishedIn);
}

/** Which briefings this run would mail, after noting what the site shows now as seen. */
async function chooseEdition(deps: DigestDeps, cadence: Cadence, to: Date, from?: Date): Promise<EditionChoice> {
  const content = from ? await briefingsFor(deps, from, to) : deps.content;
  const record = await cadenceRecord(deps.db, cadence, content, from ? deps.now() : to);
  return from ? windowEdition(content, cadence, from, to, record) : regularEdition(content, cadence, to, record);
}

function summaryOf(e: EditionRow, started: boolean): EditionSummary {
  const items = (JSON.parse(e.items) as string[]).length;
  return { edition: e.id, items, recipients: e.recipients, batches: e.chunks, started };
}

async function itemsOf(deps: DigestDeps, edition: EditionRow): Promise<IndexedBriefing[]> {
  const slugs = JSON.parse(edition.items) as string[];
  // Every item was published inside the edition's window (a regular edition's starts at its oldest item).
  const content = await briefingsFor(deps, new Date(edition.window_from), new Date(edition.window_to));
  // A briefing removed by a deploy mid-edition is left out rather than failing the edition.
  return slugs.map((s) => content.briefings.find((b) => b.slug === s)).filter((b): b is IndexedBriefing => !!b);
}

/** Enqueues chunks not yet on the queue (a crash between commit and enqueue leaves some). */
async function enqueueChunks(deps: DigestDeps, editionId: string): Promise<number> {
  const chunks = await unqueuedChunks(deps.db, editionId);
  const messages: DigestMessage[] = chunks.map((chunk) => ({ kind: "send", edition: editionId, chunk }));
  for (let i = 0; i < messages.length; i += 100) {
    await deps.queue.sendBatch(messages.slice(i, i + 100).map((body) => ({ body })));
  }
  await markEnqueued(deps.db, editionId, chunks);
  return chunks.length;
}

/**
 * Plans an edition step after step while another step fits the invocation's budget of D1 queries
 * (counted through the binding), then continues through the queue; the edition's cursor
 * (planned_through_id) says where. Planning ahead keeps the sender's queue full: sends never wait
 * behind a plan step.
 */
export async function planEdition(deps: DigestDeps, editionId: string, budget = deps.planQueryBudget): Promise<void> {
  const chunks = chunksPerStep(budget);
  const count = countQueries(deps.db);
  const counted = { ...deps, db: count.db };
  for (;;) {
    const { finished } = await planStep(counted, editionId, chunks);
    if (finished) return;
    if (count.queries + stepQueries(chunks) > budget) {
      await deps.planQueue.send({ kind: "plan", edition: editionId } satisfies DigestMessage);
      return;
    }
  }
}

/** One planning step: the next `chunks` × CHUNK_SIZE subscribers become chunks, enqueued for sending. */
export async function planStep(
  deps: DigestDeps,
  editionId: string,
  chunks = PLAN_STEP / CHUNK_SIZE,
): Promise<{ finished: boolean }> {
  const pageSize = chunks * CHUNK_SIZE;
  const edition = await getEdition(deps.db, editionId);
  if (!edition) return { finished: true };
  if (edition.status !== "planning") {
    await enqueueChunks(deps, editionId);
    return { finished: true };
  }
  const items = await itemsOf(deps, edition);
  const page = await recipientsAfter(
    deps.db,
    edition.cadence,
    JSON.parse(edition.tags),
    edition.planned_through_id,
    pageSize,
  );
  const received = await receivedElsewhere(
    deps.db,
    edition.cadence,
    page.map((r) => r.id),
    items.map((b) => b.slug),
  );
  const planned = planChunks(page, items, edition.chunks, received, defaultLanguage(deps.content.site));

  // Render each variant met here once for the whole edition, before the chunks that need it exist.
  const have = await storedVariants(deps.db, editionId);
  const needed = [...new Set(planned.flatMap((c) => c.recipients.map((r) => r.variant)))].filter((v) => !have.has(v));
  const missing = needed.slice(0, VARIANTS_PER_STEP);
  for (const variant of missing) {
    const slugs = slugsOfVariant(variant);
    const shown = items.filter((b) => slugs.includes(b.slug));
    const rendered = await renderVariant(
      deps.content,
      deps.base,
      { id: edition.id, cadence: edition.cadence, to: new Date(edition.window_to) },
      shown,
      languageOfVariant(variant),
    );
    await insertVariant(deps.db, editionId, variant, rendered).run();
  }
  // More renderings than one step stores: those are kept, and the next step plans this same page.
  if (needed.length > missing.length) return { finished: false };

  const finished = page.length < pageSize;
  const lastId = page.at(-1)?.id ?? edition.planned_through_id;
  const committed = await commitPlanStep(deps.db, edition, planned, lastId, finished, deps.now().toISOString());
  if (!committed) log("digest-plan-step-duplicate", { edition: editionId, after: edition.planned_through_id });
  const enqueued = await enqueueChunks(deps, editionId);
  if (committed) {
    log("digest-planned", {
      edition: editionId,
      chunks: planned.length,
      recipients: planned.reduce((n, c) => n + c.recipients.length, 0),
      enqueued,
      finished,
    });
  }
  if (finished) await completeIfDone(deps.db, editionId, deps.now().toISOString());
  return { finished };
}
