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

/** A briefing published more than this long before the site first showed it is a backfill. */
export const BACKFILL_AFTER_MS = 7 * DAY_MS;

export function isBackfill(b: Pick<IndexedBriefing, "published">, firstSeen: Date): boolean {
  return firstSeen.getTime() - Date.parse(b.published) > BACKFILL_AFTER_MS;
}

/** What a run knows of the cadence's history: briefings already mailed on it, and when each was first seen. */
export interface CadenceRecord {
  mailed: ReadonlySet<string>;
  firstSeen: ReadonlyMap<string, Date>;
}

export interface EditionChoice {
  /** Deterministic: two runs that would start the same edition find the same id, and one of them starts it. */
  id: string;
  cadence: Cadence;
  /** The briefings' span for a regular edition (from the oldest item's date), the asked window for an admin run. */
  from: Date;
  to: Date;
  items: IndexedBriefing[];
}

function compact(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

/**
 * A regular run at `at` (the cron, or an admin run without a window): every briefing published by then
 * and not yet mailed on the cadence — however late it was deployed — except backfills. One regular
 * edition per cadence and day (`daily-2026-11-28`): a cron fired twice or an admin run racing it finds
 * that id taken, and what appears later that day waits for the next edition.
 */
export function regularEdition(
  content: BriefingIndex,
  cadence: Cadence,
  at: Date,
  record: CadenceRecord,
): EditionChoice {
  const items = content.briefings.filter(
    (b) =>
      Date.parse(b.published) <= at.getTime() &&
      !record.mailed.has(b.slug) &&
      !isBackfill(b, record.firstSeen.get(b.slug) ?? at),
  );
  const oldest = Math.min(at.getTime(), ...items.map((b) => Date.parse(b.published)));
  return { id: `${cadence}-${day(at)}`, cadence, from: new Date(oldest), to: at, items };
}

/**
 * An admin run for a window: the briefings published in [from, to] not yet mailed on the cadence,
 * backfills included (the publisher asked for them). The id names the window and every briefing it
 * holds, mailed or not: the same request again (or twice at once) finds the edition it started, while
 * the window asked again after a backfill landed in it is a new edition that mails just that one.
 */
export async function windowEdition(
  content: BriefingIndex,
  cadence: Cadence,
  from: Date,
  to: Date,
  record: CadenceRecord,
): Promise<EditionChoice> {
  const inWindow = content.briefings.filter((b) => {
    const t = Date.parse(b.published);
    return t >= from.getTime() && t <= to.getTime();
  });
  const base = `${cadence}-${compact(from)}-${compact(to)}`;
  const id = inWindow.length ? `${base}-${await digestOf(inWindow.map((b) => b.slug).sort())}` : base;
  return { id, cadence, from, to, items: inWindow.filter((b) => !record.mailed.has(b.slug)) };
}

/** Eight hex digits of SHA-256 over the slugs: short in a URL; two sets of one window collide with odds of 2^-32. */
async function digestOf(slugs: string[]): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(slugs.join("\n")));
  return [...new Uint8Array(hash).slice(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** One period back from `to`: the window of an admin run that gives only `to`. */
export function periodBefore(cadence: Cadence, to: Date): Date {
  return new Date(to.getTime() - PERIOD_MS[cadence]);
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
