// The content model: what a publisher may write in data/, validated with zod at build time.
// Every output (feeds, pages, mails) is rendered from these types and nothing else.
import { z } from "zod";
import { CATALOGUES } from "../i18n/messages.ts";
import { isTimed } from "./event-time.ts";

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a lowercase slug (a-z, 0-9, single hyphens)");

// RFC 3339 with an explicit offset (Z or ±hh:mm); YAML may hand us a Date already.
const rfc3339 = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString() : v),
  z.iso.datetime({ offset: true, message: "must be an RFC 3339 date-time with an offset, e.g. 2024-10-16T12:00:00Z" }),
);

// Calendar day (YAML turns 2024-10-17 into a Date at midnight UTC).
const isoDay = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z.iso.date({ message: "must be a date like 2024-10-17" }),
);

// An event's start or end: a day (an all-day event, the usual case) or, for an event with set hours,
// an RFC 3339 date-time with an offset, so calendars can show it at the right time in every zone.
const eventTime = z.union([isoDay, rfc3339], {
  error: "must be a date like 2024-10-17 or a date-time with an offset like 2024-10-17T09:00:00+02:00",
});

const httpUrl = z.url({ protocol: /^https?$/, message: "must be an absolute http(s) URL" });

/** Plain text: any characters, kept literally; the renderers escape them for each format. */
const text = z.string().trim().min(1, "must not be empty");

export const FigureSchema = z.strictObject({
  label: text,
  value: z.number({ message: "must be a number" }).finite(),
  unit: text.optional(),
});

export const OutcomeSchema = z.strictObject({
  id: slug,
  headline: text,
  detail: text.optional(),
  figures: z.array(FigureSchema).optional(),
});

export const FrontMatterSchema = z
  .strictObject({
    title: text,
    published: rfc3339,
    updated: rfc3339.optional(),
    summary: text.refine((s) => !/\n\s*\n/.test(s), "must be one paragraph"),
    source: z.strictObject({ name: text, url: httpUrl }).optional(),
    tags: z.array(slug).optional(),
    event: z
      .strictObject({ name: text, place: text.optional(), start: eventTime, end: eventTime.optional() })
      .refine((e) => !e.end || isTimed(e.end) === isTimed(e.start), {
        message: "must be a date when start is a date, a date-time when start is a date-time",
        path: ["end"],
      })
      .refine((e) => !e.end || Date.parse(e.end) >= Date.parse(e.start), {
        message: "must not be before start",
        path: ["end"],
      })
      .optional(),
    outcomes: z
      .array(OutcomeSchema)
      .min(1, "needs at least one outcome")
      .superRefine((outcomes, ctx) => {
        const seen = new Set<string>();
        outcomes.forEach((o, i) => {
          if (seen.has(o.id))
            ctx.addIssue({ code: "custom", message: `"${o.id}" is used by another outcome too`, path: [i, "id"] });
          seen.add(o.id);
        });
      }),
  })
  .refine((b) => !b.updated || Date.parse(b.updated) >= Date.parse(b.published), {
    message: "must not be before published",
    path: ["updated"],
  });

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const languageCode = z.string().regex(/^[a-z]{2,3}$/, "must be a two- or three-letter language code, e.g. fr");

export const SiteSchema = z
  .strictObject({
    title: text,
    description: text,
    baseUrl: httpUrl.transform((u) => u.replace(/\/+$/, "")),
    language: z.string().regex(LANGUAGE_TAG, "must be a BCP 47 language tag, e.g. en or en-GB"),
    /**
     * The site's languages, the default first (the primary subtag of `language`): each other one gets
     * its pages and feeds under /<code>/ and its briefings' translations in <slug>.<code>.md.
     */
    languages: z.array(languageCode).min(1, "needs at least the site's own language").optional(),
    /** The site's words in each other language (the title stays the same name everywhere). */
    translations: z.record(languageCode, z.strictObject({ description: text })).optional(),
    publisher: text,
    postalAddress: text,
    mailFrom: text,
    logo: z.string().optional(),
  })
  .superRefine((s, ctx) => {
    // A language that is not a tag is reported by its own field; nothing here could be judged.
    if (!LANGUAGE_TAG.test(s.language)) return;
    const primary = s.language.split("-")[0] as string;
    const languages = s.languages ?? [primary];
    if (languages[0] !== primary) {
      ctx.addIssue({
        code: "custom",
        path: ["languages", 0],
        message: `must be "${primary}", the site's language (language: ${s.language}), listed first as the default`,
      });
      return;
    }
    for (const code of languages) {
      if (!(code in CATALOGUES))
        ctx.addIssue({
          code: "custom",
          path: ["languages", languages.indexOf(code)],
          message: `"${code}" has no message catalogue yet (src/i18n/messages.ts has ${Object.keys(CATALOGUES).join(", ")})`,
        });
    }
    languages.forEach((code, i) => {
      if (languages.indexOf(code) !== i)
        ctx.addIssue({ code: "custom", path: ["languages", i], message: `"${code}" is listed twice` });
    });
    for (const code of Object.keys(s.translations ?? {})) {
      if (!languages.slice(1).includes(code))
        ctx.addIssue({
          code: "custom",
          path: ["translations", code],
          message: `"${code}" is not one of the site's other languages (languages: ${languages.join(", ")})`,
        });
    }
  })
  .transform((s) => ({ ...s, languages: s.languages ?? [s.language.split("-")[0] as string] }));

export type Figure = z.infer<typeof FigureSchema>;
export type Outcome = z.infer<typeof OutcomeSchema>;
export type FrontMatter = z.infer<typeof FrontMatterSchema>;
export type Site = z.infer<typeof SiteSchema>;

/** A briefing as the Worker sees it: front matter + slug + the body already rendered to safe HTML. */
export interface Briefing extends FrontMatter {
  slug: string;
  /** Sanitised HTML; links are root-relative or absolute, made absolute per request base URL. */
  bodyHtml: string;
  tags: string[];
  /** Its words in the site's other languages, by code (src/content/translations.ts). */
  translations?: Record<string, BriefingText>;
  /**
   * Set on a briefing shown in another language than its text's: the language its words are in
   * (an untranslated briefing in the French pages is "en", and marked so).
   */
  language?: string;
}

/** What a translation gives a briefing: its own words; the identity stays the original's. */
export type BriefingText = Pick<Briefing, "title" | "summary" | "outcomes" | "bodyHtml"> &
  Partial<Pick<Briefing, "updated" | "event" | "source">>;

/** Everything the Worker serves, compiled once from data/. */
export interface Content {
  site: Site;
  /** Newest first (published, then slug for a stable order). */
  briefings: Briefing[];
  /** Content hash: changes exactly when anything served could change. */
  version: string;
  /** Set on the content seen in one of the site's other languages (src/i18n/locale.ts contentIn). */
  language?: string;
}

/** What the digest, the WebSub pings and the edition pages need of a briefing: no body, no source. */
export type IndexedBriefing = Pick<
  Briefing,
  "slug" | "title" | "summary" | "outcomes" | "tags" | "published" | "updated"
> & {
  /** Its words in the site's other languages, for the digests of readers of those languages. */
  translations?: Record<string, Pick<BriefingText, "title" | "summary" | "outcomes">>;
};

/**
 * The index of recent briefings the Worker loads at run time (built into the static assets): the
 * only way the digest gets briefings. A full Content satisfies it too, which keeps tests simple.
 */
export interface BriefingIndex {
  site: Site;
  /** Newest first, like Content.briefings. */
  briefings: IndexedBriefing[];
  /**
   * The index holds every briefing published from this date on; older ones only if recently updated
   * or among the newest INDEX_MIN. Absent or null: every briefing is here (a whole content model).
   */
  completeFrom?: string | null;
}

/** What the Worker itself is built with: the site, the content version and the tag names — never the archive. */
export interface SiteInfo {
  site: Site;
  version: string;
  /** Every tag in use, sorted: the topics a subscriber may choose. */
  tags: string[];
  /** The newest briefing, named in the welcome mail. */
  latest?: {
    slug: string;
    title: string /** Its title in each language it is translated into. */;
    titles?: Record<string, string>;
  };
}
