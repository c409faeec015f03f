// Edition planning, pure: which editions run, their window and items, who gets which variant, and
// how recipients split into provider batches. No D1, no Queue, no Resend — unit-tested in isolation.
import type { BriefingIndex, IndexedBriefing } from "../content/schema.ts";

export type Cadence = "daily" | "weekly";

/** Resend accepts at most 100 mails per batch call. */
export const CHUNK_SIZE = 100;

const DAY_MS = 86_400_000;
const PERIOD_MS: Record<Cadence, number> = { daily: DAY_MS, weekly: 7 * DAY_MS };

/** The cron runs daily at 07:00 UTC; weekly readers get Monday's run. */
export function cadencesDue(at: Date): Cadence[] {
  return at.getUTCDay() === 1 ? ["daily", "weekly"] : ["daily"];
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export interface EditionWindow {
  id: string;
  cadence: Cadence;
  from: Date;
  to: Date;
}

/**
 * The window of an edition: from the end of the last edition of that cadence (or one period back for
 * the first) to `to`. The id is deterministic, so planning the same edition twice finds the same id:
 * `daily-2026-11-28` for the regular edition of a day, with the explicit window in the id for backfills.
 */
export function editionWindow(
  cadence: Cadence,
  to: Date,
  lastEditionTo: Date | null,
  explicitFrom?: Date,
): EditionWindow {
  // A run for a moment before the last edition's end (a late backfill) gets an empty window, not an inverted one.
  const start = explicitFrom ?? lastEditionTo ?? new Date(to.getTime() - PERIOD_MS[cadence]);
  const from = start.getTime() > to.getTime() ? to : start;
  const compact = (d: Date) =>
    d
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d+Z$/, "Z");
  const id = explicitFrom ? `${cadence}-${compact(from)}-${compact(to)}` : `${cadence}-${day(to)}`;
  return { id, cadence, from, to };
}

/** Briefings first published inside (from, to], newest first. */
export function itemsInWindow(content: BriefingIndex, from: Date, to: Date): IndexedBriefing[] {
  return content.briefings.filter((b) => {
    const t = Date.parse(b.published);
    return t > from.getTime() && t <= to.getTime();
  });
}

/** All tags of the items: a subscriber whose topics miss all of them gets nothing. */
export function tagsOfItems(items: IndexedBriefing[]): string[] {
  return [...new Set(items.flatMap((b) => b.tags))].sort();
}

/**
 * The variant a subscriber gets: the item slugs matching their topics (no topics = every item),
 * as a stable key. "" means nothing matches: no mail.
 */
export function variantFor(topics: string[], items: Pick<IndexedBriefing, "slug" | "tags">[]): string {
  const matching = topics.length === 0 ? items : items.filter((b) => b.tags.some((t) => topics.includes(t)));
  return matching.map((b) => b.slug).join(",");
}

export function slugsOfVariant(variant: string): string[] {
  return variant === "" ? [] : variant.split(",");
}

export interface Recipient {
  id: number;
  topics: string[];
}

export interface PlannedChunk {
  chunk: number;
  recipients: { id: number; variant: string }[];
}

/**
 * Splits the next page of recipients (in id order) into chunks of at most CHUNK_SIZE, numbered on from
 * `firstChunk`. Recipients with nothing to read are left out. Chunks mix variants: each mail in a batch
 * call carries its own body, so N recipients always take ⌈N/100⌉ calls.
 */
export function planChunks(
  page: Recipient[],
  items: Pick<IndexedBriefing, "slug" | "tags">[],
  firstChunk: number,
): PlannedChunk[] {
  const withMail = page
    .map((r) => ({ id: r.id, variant: variantFor(r.topics, items) }))
    .filter((r) => r.variant !== "");
  const chunks: PlannedChunk[] = [];
  for (let i = 0; i < withMail.length; i += CHUNK_SIZE) {
    chunks.push({ chunk: firstChunk + chunks.length, recipients: withMail.slice(i, i + CHUNK_SIZE) });
  }
  return chunks;
}

/** Provider batch calls needed for n recipients. */
export function batchesFor(recipients: number): number {
  return Math.ceil(recipients / CHUNK_SIZE);
}
