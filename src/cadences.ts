// How often a reader is mailed: `instant` (within a quarter hour of a briefing appearing), `daily`
// or `weekly`. One list for every boundary that accepts a cadence (form, JSON API, preferences, CSV).
export const CADENCES = ["instant", "daily", "weekly"] as const;

export type Cadence = (typeof CADENCES)[number];

/** The reason given for anything else, e.g. `must be "instant", "daily" or "weekly"`. */
export const CADENCE_REASON = `must be ${CADENCES.slice(0, -1)
  .map((c) => `"${c}"`)
  .join(", ")} or "${CADENCES.at(-1)}"`;

export function isCadence(value: unknown): value is Cadence {
  return (CADENCES as readonly unknown[]).includes(value);
}
