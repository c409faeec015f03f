// A briefing's translations: `<slug>.<language>.md` beside `<slug>.md`, one per language the site
// lists after its first (site.yaml `languages`). A translation carries its own words — title, summary,
// outcome headlines and details, figure labels, event name and place, source name, body — and shares
// the briefing's identity with its original: outcome ids in the same order, figure values and units,
// event days, published date, tags. Those may be left out (they are taken from the original); written,
// they must match it, and a build error names the field that drifts, at its line.
import { z } from "zod";
import type { Briefing, BriefingText } from "./schema.ts";

const text = z.string().trim().min(1, "must not be empty");

/** A file name `<slug>.md` (an original) or `<slug>.<language>.md` (a translation). */
export const BRIEFING_FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.([a-z]{2,3}))?\.md$/;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

const sameInstant = (a: string | undefined, b: string | undefined) =>
  a === b || (a !== undefined && b !== undefined && Date.parse(a) === Date.parse(b));

/** YAML turns an unquoted date or date-time into a Date; compare them as the original's text. */
const asText = z.preprocess((v) => (v instanceof Date ? v.toISOString() : v), z.string());
const asDay = z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), z.string());

/** The schema a translation of `original` must satisfy: its own words, the original's identity. */
export function translationSchema(original: Briefing) {
  const figures = z.array(z.strictObject({ label: text, value: z.number().finite(), unit: text.optional() }));
  return z
    .strictObject({
      title: text,
      summary: text.refine((s) => !/\n\s*\n/.test(s), "must be one paragraph"),
      published: asText.optional(),
      updated: asText.optional(),
      tags: z.array(z.string()).optional(),
      source: z.strictObject({ name: text, url: z.string().optional() }).optional(),
      event: z
        .strictObject({ name: text, place: text.optional(), start: asDay.optional(), end: asDay.optional() })
        .optional(),
      outcomes: z.array(
        z.strictObject({ id: z.string(), headline: text, detail: text.optional(), figures: figures.optional() }),
      ),
    })
    .superRefine((t, ctx) => {
      const drift = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
      if (t.published !== undefined && !sameInstant(t.published, original.published))
        drift(["published"], `differs from the original's (${original.published}); leave it out or copy it`);
      if (t.updated !== undefined && Number.isNaN(Date.parse(t.updated)))
        drift(["updated"], "must be an RFC 3339 date-time with an offset, e.g. 2024-10-16T12:00:00Z");
      else if (t.updated !== undefined && Date.parse(t.updated) < Date.parse(original.published))
        drift(["updated"], "must not be before published");
      if (t.tags !== undefined && !same([...new Set(t.tags)], original.tags))
        drift(
          ["tags"],
          `differ from the original's (${original.tags.join(", ") || "none"}); leave them out or copy them`,
        );
      if (t.source?.url !== undefined && t.source.url !== original.source?.url)
        drift(["source", "url"], "differs from the original's; leave it out or copy it");
      if (t.source && !original.source) drift(["source"], "the original has no source");
      if (t.event && !original.event) drift(["event"], "the original has no event");
      for (const key of ["start", "end"] as const) {
        const mine = t.event?.[key];
        if (mine !== undefined && original.event && !sameInstant(mine, original.event[key]))
          drift(["event", key], `differs from the original's (${original.event[key] ?? "none"})`);
      }
      const ids = original.outcomes.map((o) => o.id);
      if (t.outcomes.length !== ids.length)
        drift(["outcomes"], `has ${t.outcomes.length} outcome(s); the original has ${ids.length} (${ids.join(", ")})`);
      t.outcomes.forEach((o, i) => {
        const theirs = original.outcomes[i];
        if (!theirs) return;
        if (o.id !== theirs.id)
          drift(["outcomes", i, "id"], `is "${o.id}"; the original's outcome ${i + 1} is "${theirs.id}"`);
        const mine = (o.figures ?? []).map((f) => [f.value, f.unit ?? null]);
        const orig = (theirs.figures ?? []).map((f) => [f.value, f.unit ?? null]);
        if (!same(mine, orig))
          drift(
            ["outcomes", i, "figures"],
            `differ from the original's values and units (${orig.map(([v, u]) => `${v}${u ? ` ${u}` : ""}`).join(", ") || "none"}); translate the labels only`,
          );
      });
    });
}

export type TranslationFront = z.infer<ReturnType<typeof translationSchema>>;

/** The translation's words over the original's identity: what a page in that language shows. */
export function translatedText(original: Briefing, t: TranslationFront, bodyHtml: string): BriefingText {
  return {
    title: t.title,
    summary: t.summary,
    ...(t.updated ? { updated: new Date(t.updated).toISOString() } : {}),
    ...(original.source ? { source: { name: t.source?.name ?? original.source.name, url: original.source.url } } : {}),
    ...(original.event
      ? {
          event: {
            ...original.event,
            name: t.event?.name ?? original.event.name,
            ...(t.event?.place ? { place: t.event.place } : {}),
          },
        }
      : {}),
    outcomes: original.outcomes.map((o, i) => {
      const mine = t.outcomes[i];
      return {
        id: o.id,
        headline: mine?.headline ?? o.headline,
        ...(mine?.detail ? { detail: mine.detail } : {}),
        ...(o.figures
          ? { figures: o.figures.map((f, j) => ({ ...f, label: mine?.figures?.[j]?.label ?? f.label })) }
          : {}),
      };
    }),
    bodyHtml,
  };
}

/**
 * The briefing as a page in `language` shows it: its translation's words where it has one, else the
 * original with `language` set to the original's, so the page can mark it (lang="en").
 */
export function briefingIn(b: Briefing, language: string, defaultLanguage: string): Briefing {
  if (language === defaultLanguage) return b;
  const t = b.translations?.[language];
  if (!t) return { ...b, language: defaultLanguage };
  const { translations: _all, ...rest } = b;
  return { ...rest, ...t, translations: b.translations, language } as Briefing;
}
