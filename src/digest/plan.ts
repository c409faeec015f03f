// Edition planning, pure: which editions run, their window and items, who gets which variant, and
// how recipients split into provider batches. No D1, no Queue, no Resend — unit-tested in isolation.
import type { Cadence } from "../cadences.ts";
import type { BriefingIndex, IndexedBriefing } from "../content/schema.ts";

export type { Cadence } from "../cadences.ts";

/** Resend accepts at most 100 mails per batch call. */
export const CHUNK_SIZE = 100;

const DAY_MS = 86_400_000;
/** Instant alerts go out with the 15-minute cron: one edition per quarter hour. */
export const INSTANT_WINDOW_MS = 15 * 60_000;
const PERIOD_MS: Record<Cadence, number> = { instant: INSTANT_WINDOW_MS, daily: DAY_MS, weekly: 7 * DAY_MS };

/**
 * How long after appearing a briefing can still go out as an instant alert. Normally the first
 * quarter-hour run takes it; the margin is for runs that failed (an outage, a bad deploy): the next run
 * that works catches up instead of the alert being lost. Older ones reach readers only by digest.
 */
export const INSTANT_CATCH_UP_MS = DAY_MS;

/** The digest cron runs daily at 07:00 UTC; weekly readers get Monday's run. */
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

/** When readers could first see a briefing: its first sighting by a scheduled step, or its date if later. */
export function appearedAt(b: Pick<IndexedBriefing, "slug" | "published">, record: CadenceRecord, at: Date): number {
  return Math.max(Date.parse(b.published), (record.firstSeen.get(b.slug) ?? at).getTime());
}

/** The quarter hour a run at `at` belongs to, by its end: a cron fired twice or late finds the same one. */
export function quarterHourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / INSTANT_WINDOW_MS) * INSTANT_WINDOW_MS);
}

/**
 * The instant edition of the quarter hour at `at` (`instant-20261129T1015Z`): every briefing that
 * appeared on the site since the last instant run and is published by now — those of one quarter hour
 * go into one mail. Backfills are not mailed, nor briefings that appeared more than INSTANT_CATCH_UP_MS
 * ago (their readers had the digest by then; this also keeps the first run after instant alerts are
 * switched on from mailing the archive).
 */
function instantEdition(content: BriefingIndex, at: Date, record: CadenceRecord): EditionChoice {
  const quarter = quarterHourOf(at);
  const items = content.briefings.filter(
    (b) =>
      Date.parse(b.published) <= at.getTime() &&
      !record.mailed.has(b.slug) &&
      !isBackfill(b, record.firstSeen.get(b.slug) ?? at) &&
      at.getTime() - appearedAt(b, record, at) <= INSTANT_CATCH_UP_MS,
  );
  const id = `instant-${compact(quarter).replace(/(T\d{4})\d{2}Z$/, "$1Z")}`;
  return { id, cadence: "instant", from: new Date(quarter.getTime() - INSTANT_WINDOW_MS), to: at, items };
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
  if (cadence === "instant") return instantEdition(content, at, record);
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

/**
 * When the next scheduled run of the cadence after `now` happens: the next quarter hour for instant
 * alerts, the next 07:00 UTC for the daily digest, the next Monday 07:00 UTC for the weekly one.
 */
export function nextRun(cadence: Cadence, now: Date): Date {
  if (cadence === "instant") return new Date(quarterHourOf(now).getTime() + INSTANT_WINDOW_MS);
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 7));
  if (day <= now) day.setUTCDate(day.getUTCDate() + 1);
  if (cadence === "weekly") day.setUTCDate(day.getUTCDate() + ((8 - day.getUTCDay()) % 7));
  return day;
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

/**
 * A variant in one of the site's other languages is its slugs after the language's code and a colon
 * ("fr:a,b"); the default language's has no prefix, so every variant stored before languages existed
 * reads as it did. Slugs hold no colon, so the two never mix.
 */
const LANGUAGE_PREFIX = /^([a-z]{2,3}):/;

export function slugsOfVariant(variant: string): string[] {
  const slugs = variant.replace(LANGUAGE_PREFIX, "");
  return slugs === "" ? [] : slugs.split(",");
}

/** The language a variant is written in; null: the site's default. */
export function languageOfVariant(variant: string): string | null {
  return LANGUAGE_PREFIX.exec(variant)?.[1] ?? null;
}

/** The variant key for a reader of `language` (null or the default: no prefix). */
export function inLanguage(variant: string, language: string | null | undefined, defaultLanguage: string): string {
  return variant === "" || !language || language === defaultLanguage ? variant : `${language}:${variant}`;
}

export interface Recipient {
  id: number;
  topics: string[];
  /** The reader's language (null or absent: the site's default). */
  language?: string | null;
}

export interface PlannedChunk {
  chunk: number;
  recipients: { id: number; variant: string }[];
}

/** Per subscriber, the briefings already sent to them by an edition of another cadence. */
export type ReceivedElsewhere = ReadonlyMap<number, ReadonlySet<string>>;

/**
 * Splits the next page of recipients (in id order) into chunks of at most CHUNK_SIZE, numbered on from
 * `firstChunk`. Recipients with nothing to read are left out. Chunks mix variants: each mail in a batch
 * call carries its own body, so N recipients always take ⌈N/100⌉ calls.
 *
 * A briefing a recipient already got on another cadence is left out of their mail: each cadence mails
 * a briefing once (its edition chain), and this makes it once per reader across a change of cadence
 * (an instant reader who switches to daily does not find this morning's alert in tomorrow's digest).
 */
export function planChunks(
  page: Recipient[],
  items: Pick<IndexedBriefing, "slug" | "tags">[],
  firstChunk: number,
  received: ReceivedElsewhere = new Map(),
  defaultLanguage = "",
): PlannedChunk[] {
  const withMail = page
    .map((r) => {
      const had = received.get(r.id);
      const variant = variantFor(r.topics, had ? items.filter((b) => !had.has(b.slug)) : items);
      return { id: r.id, variant: inLanguage(variant, r.language, defaultLanguage) };
    })
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
