// Renders one digest variant once per edition: the same HTML and text for every recipient of the
// variant, with placeholders where each recipient's own links go (see personalise()).
import { createElement } from "react";
import Digest, { type DigestItem, digestSubject } from "../../emails/Digest.tsx";
import type { BriefingIndex, IndexedBriefing } from "../content/schema.ts";
import { defaultLanguage, type Locale, localeFor } from "../i18n/locale.ts";
import { MAIL_CATALOGUES, mailEn } from "../i18n/mail-messages.ts";
import { renderMail } from "../mail/render.ts";
import { briefingUrl, outcomeUrl } from "../render/briefing-html.ts";
import type { Cadence } from "./plan.ts";

export const UNSUBSCRIBE_PLACEHOLDER = "%%UNSUBSCRIBE_URL%%";
export const PREFERENCES_PLACEHOLDER = "%%PREFERENCES_URL%%";

/** Gmail clips HTML over ~102 KB; stay well under with room for the per-recipient links. */
export const MAX_HTML_BYTES = 90 * 1024;

export interface RenderedVariant {
  subject: string;
  html: string;
  text: string;
}

export interface EditionInfo {
  id: string;
  cadence: Cadence;
  to: Date;
}

/** The briefing in the mail's language: its translation's words, or the original marked with its language. */
function digestItem(original: IndexedBriefing, base: string, locale: Locale, originalTag: string): DigestItem {
  const t = locale.prefix ? original.translations?.[locale.code] : undefined;
  const b = t ? { ...original, ...t } : original;
  const untranslated = locale.prefix && !t ? { lang: originalTag } : {};
  return {
    slug: b.slug,
    title: b.title,
    url: briefingUrl(base, b.slug),
    published: b.published,
    summary: b.summary,
    ...untranslated,
    outcomes: b.outcomes.map((o) => ({
      id: o.id,
      headline: o.headline,
      ...(o.detail ? { detail: o.detail } : {}),
      figures: o.figures ?? [],
      url: outcomeUrl(base, b.slug, o.id),
    })),
  };
}

export function webCopyUrl(base: string, editionId: string): string {
  return `${base}/digests/${editionId}`;
}

/**
 * Renders the digest of `items` (newest first). When the HTML would pass MAX_HTML_BYTES, the oldest
 * items move to a short "also published" list of links, pointing to the web copy for the rest.
 */
export async function renderVariant(
  content: Pick<BriefingIndex, "site">,
  origin: string,
  edition: EditionInfo,
  items: IndexedBriefing[],
  language: string | null = null,
): Promise<RenderedVariant> {
  const { site } = content;
  const locale = localeFor(site, language ?? defaultLanguage(site));
  const m = MAIL_CATALOGUES[locale.code] ?? mailEn;
  // Pages of the reader's language, the edition's web copy among them (/fr/digests/<id>).
  const base = `${origin}${locale.prefix}`;
  const titleIn = (b: IndexedBriefing) => (locale.prefix ? b.translations?.[locale.code]?.title : undefined) ?? b.title;
  const subject = digestSubject(site.title, items.map(titleIn), m);
  let shown = items.length;
  for (;;) {
    const rendered = await renderMail(
      createElement(Digest, {
        siteTitle: site.title,
        siteUrl: `${base}/`,
        publisher: site.publisher,
        postalAddress: site.postalAddress,
        language: locale.tag,
        m,
        cadence: edition.cadence,
        editionId: edition.id,
        editionDate: edition.to.toISOString(),
        items: items.slice(0, shown).map((b) => digestItem(b, base, locale, site.language)),
        moreItems: items.slice(shown).map((b) => ({ title: titleIn(b), url: briefingUrl(base, b.slug) })),
        webUrl: webCopyUrl(base, edition.id),
        unsubscribeUrl: UNSUBSCRIBE_PLACEHOLDER,
        preferencesUrl: PREFERENCES_PLACEHOLDER,
      }),
    );
    const bytes = new TextEncoder().encode(rendered.html).length;
    if (bytes <= MAX_HTML_BYTES || shown <= 1) return { subject, ...rendered };
    // Shrink in proportion to the overshoot, at least one item at a time.
    shown = Math.max(1, Math.min(shown - 1, Math.floor((shown * MAX_HTML_BYTES) / bytes)));
  }
}

/** Puts one recipient's links into a rendered variant (URL-safe tokens: no escaping needed). */
export function personalise(variant: RenderedVariant, links: { unsubscribeUrl: string; preferencesUrl: string }) {
  const fill = (s: string) =>
    s
      .replaceAll(UNSUBSCRIBE_PLACEHOLDER, links.unsubscribeUrl)
      .replaceAll(PREFERENCES_PLACEHOLDER, links.preferencesUrl);
  return { subject: variant.subject, html: fill(variant.html), text: fill(variant.text) };
}
