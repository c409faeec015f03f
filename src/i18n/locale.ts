// The site in one of its languages: which words, which path prefix, which language tag. The default
// language keeps every URL it has ("" prefix); each other one lives under /<code>/.
import type { Content, Site } from "../content/schema.ts";
import { briefingIn } from "../content/translations.ts";
import { CATALOGUES, en, type Messages } from "./messages.ts";

export interface Locale {
  /** "en", "fr": the code in site.yaml and in URLs. */
  code: string;
  /** The BCP 47 tag for <html lang>, feeds and Intl: site.yaml's `language` for the default, else the code. */
  tag: string;
  /** "" for the default language, "/fr" for French: put before every page and feed path. */
  prefix: string;
  m: Messages;
  /** The tag of another of the site's languages: for lang="…" on words not in this one. */
  tagOf(code: string): string;
}

export function defaultLanguage(site: Pick<Site, "language" | "languages">): string {
  return site.languages?.[0] ?? (site.language.split("-")[0] as string);
}

export function localeFor(site: Pick<Site, "language" | "languages">, code: string): Locale {
  const isDefault = code === defaultLanguage(site);
  return {
    code,
    tag: isDefault ? site.language : code,
    prefix: isDefault ? "" : `/${code}`,
    m: CATALOGUES[code] ?? en,
    tagOf: (other) => (other === defaultLanguage(site) ? site.language : other),
  };
}

/** The locale a content model (whole, or seen in one language by contentIn) is in. */
export function localeOf(content: { site: Pick<Site, "language" | "languages">; language?: string }): Locale {
  return localeFor(content.site, content.language ?? defaultLanguage(content.site));
}

/** A reader's locale: their language when the site has it, else the default (a NULL or unknown one). */
export function readerLocale(site: Pick<Site, "language" | "languages">, language: string | null | undefined): Locale {
  const known = language && localesOf(site).some((l) => l.code === language);
  return localeFor(site, known ? (language as string) : defaultLanguage(site));
}

/** Every locale of the site, the default first. */
export function localesOf(site: Pick<Site, "language" | "languages">): Locale[] {
  return (site.languages ?? [defaultLanguage(site)]).map((code) => localeFor(site, code));
}

/** The locale a request path is in: the language whose prefix starts it (/fr, /fr/…), else the default. */
export function localeOfPath(site: Pick<Site, "language" | "languages">, path: string): Locale {
  const all = localesOf(site);
  return all.find((l) => l.prefix && (path === l.prefix || path.startsWith(`${l.prefix}/`))) ?? (all[0] as Locale);
}

/** Why `value` is not one of the site's languages (for a 400 naming the field), or null when it is. */
export function languageProblem(site: Pick<Site, "language" | "languages">, value: unknown): string | null {
  const codes = localesOf(site).map((l) => l.code);
  if (typeof value === "string" && codes.includes(value)) return null;
  return `must be one of this site's languages: ${codes.join(", ")}`;
}

const views = new WeakMap<Content, Map<string, Content>>();

/**
 * The content as the pages and feeds in `code` show it: each briefing in its translation where it has
 * one (else in the default language, marked so), the site's words in that language. Made once per
 * content and language: the build renders thousands of documents from it.
 */
export function contentIn(content: Content, code: string): Content {
  const fallback = defaultLanguage(content.site);
  if (code === fallback) return content;
  let byCode = views.get(content);
  if (!byCode) {
    byCode = new Map();
    views.set(content, byCode);
  }
  let view = byCode.get(code);
  if (!view) {
    const words = content.site.translations?.[code];
    view = {
      ...content,
      language: code,
      site: { ...content.site, ...(words ? { description: words.description } : {}) },
      briefings: content.briefings.map((b) => briefingIn(b, code, fallback)),
    };
    byCode.set(code, view);
  }
  return view;
}
