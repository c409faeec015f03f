// Scheduled publication in the content model: a briefing is published from its `published` date on.
// Before it, no document, feed or mail may carry it (see src/documents/schedule.ts for the documents).
import type { Content } from "./schema.ts";

/**
 * The content as readers see it at `at`: the briefings published by then. The content version stays
 * the whole content's, so a document that a later briefing does not change keeps the same bytes in
 * every version (pages carry the version in their stylesheet link) and the build keeps one copy.
 */
export function publishedBy(content: Content, at: number): Content {
  const briefings = content.briefings.filter((b) => Date.parse(b.published) <= at);
  return briefings.length === content.briefings.length ? content : { ...content, briefings };
}

/** The moments after `now` at which briefings appear, oldest first, once each (as epoch milliseconds). */
export function scheduledMoments(content: Content, now: number): number[] {
  const later = content.briefings.map((b) => Date.parse(b.published)).filter((t) => t > now);
  return [...new Set(later)].sort((a, b) => a - b);
}

/** The end of ECMAScript time: the index "at" this moment holds every scheduled briefing too. */
export const ALL_SCHEDULED = new Date(8.64e15);
