// Briefings with events for the calendar tests, including one whose every text field is hostile.
import { briefingFile } from "./fixtures.ts";

/** A briefing tagged "talks" with the given event (and any other front matter overridden). */
export function withEvent(slug: string, event: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return briefingFile(slug, {
    title: `About ${slug}`,
    published: "2025-02-01T08:00:00Z",
    summary: "A summary.",
    tags: ["talks"],
    event,
    outcomes: [{ id: "one", headline: "The one outcome" }],
    ...extra,
  });
}

// What publishers paste: every character iCalendar escapes, line breaks, a tab, emoji (4 octets, surrogate
// pairs in JavaScript), combining marks, right-to-left scripts, and words too long for any line.
const LONG_ASCII = "x".repeat(200);
const LONG_MULTIBYTE = `${"é".repeat(60)}${"e\u0301".repeat(20)}${"🚀".repeat(40)}${"ع".repeat(60)}`;

export const HOSTILE_EVENT = {
  title: `Title; with, everything\\ ${LONG_ASCII}`,
  name: `Talks, again; "quoted" \\ back\\slash\\, 🚀 emoji — שלום ${LONG_ASCII}`,
  place: `Geneva; Palais des Nations, Room \\3\\;\nBuilding E (مبنى) 👩🏽‍💻 ${LONG_MULTIBYTE}`,
  headline: `Agreed: a, b; c \\n is not a newline\\ ${LONG_MULTIBYTE}`,
  detail: "Line one,\nline two;\ttabbed \\ end\\",
  figure: { label: "Cost; net, €", value: 1.5, unit: "bn\\y" },
  /** The figure as the description shows it. */
  figureText: "Cost; net, €: 1.5 bn\\y",
};

export const HOSTILE_EVENT_FILE = withEvent(
  "hostile-event",
  { name: HOSTILE_EVENT.name, place: HOSTILE_EVENT.place, start: "2025-04-01", end: "2025-04-02" },
  {
    title: HOSTILE_EVENT.title,
    outcomes: [
      { id: "one", headline: HOSTILE_EVENT.headline, detail: HOSTILE_EVENT.detail, figures: [HOSTILE_EVENT.figure] },
    ],
  },
);
