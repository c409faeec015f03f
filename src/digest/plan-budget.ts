// What one planning invocation may do, counted in D1 queries: the budget, what a step costs at most,
// and how many chunks a step plans so that it fits.
import { DELIVERIES_PER_STATEMENT } from "./ledger.ts";
import { CHUNK_SIZE } from "./plan.ts";

/** Subscribers planned per step at most: ten chunks. */
export const PLAN_STEP = 10 * CHUNK_SIZE;

/**
 * D1 queries one plan invocation may make (each statement counted, also inside a batch). D1 allows
 * 1,000 per invocation on Workers Paid; planning keeps to half, so the limit stays far whatever else
 * the invocation does. Counted, not timed: a time budget lets a fast database run into the limit.
 * DIGEST_PLAN_QUERY_BUDGET lowers it (50 fits Workers Free: steps then plan fewer chunks each).
 */
export const PLAN_QUERY_BUDGET = 500;

/** Renderings one step stores at most (a statement and tens of ms of CPU each); more wait for the next step. */
export const VARIANTS_PER_STEP = 10;

/** A planned chunk's statements: its row, and its deliveries at DELIVERIES_PER_STATEMENT a statement. */
const QUERIES_PER_CHUNK = 1 + Math.ceil(CHUNK_SIZE / DELIVERIES_PER_STATEMENT);

/**
 * The most D1 queries one plan step of `chunks` chunks makes: the edition, a page of readers, what they
 * received elsewhere, the stored renderings and up to VARIANTS_PER_STEP new ones, each chunk's rows,
 * the cursor, the enqueue bookkeeping (2) and, after the last page, the completion check with the
 * progress it logs (6).
 */
export function stepQueries(chunks: number): number {
  return 4 + VARIANTS_PER_STEP + chunks * QUERIES_PER_CHUNK + 1 + 2 + 6;
}

/** Chunks per plan step: as many as fit the invocation's budget, one at least, PLAN_STEP's ten at most. */
export function chunksPerStep(budget: number): number {
  const fit = Math.floor((budget - stepQueries(0)) / QUERIES_PER_CHUNK);
  return Math.max(1, Math.min(PLAN_STEP / CHUNK_SIZE, fit));
}
