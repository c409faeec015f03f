// The digest archive: the public web copy of each edition ("view in browser") and the list of them,
// in each of the site's languages (/digests, /fr/digests). No personal data: every reader of an
// edition sees the same page, with all of its briefings.
import { html, raw } from "hono/html";
import type { Cadence } from "../cadences.ts";
import type { IndexedBriefing } from "../content/schema.ts";
import { type Locale, localesOf } from "../i18n/locale.ts";
import { humanDate } from "../render/dates.ts";
import { type Html, sitePage } from "./layout.ts";
import { dateLine, outcomeItem, subscribeForm } from "./pages.ts";
import { type Ctx, localeOfCtx } from "./subscription-pages.ts";

export interface EditionView {
  id: string;
  cadence: string;
  to: string;
  items: IndexedBriefing[];
}

/** How an edition is named on the archive pages: "Daily digest, 28 November 2026". */
function editionName(cadence: string, to: string, locale: Locale): string {
  const kinds = locale.m.archive.kinds;
  const kind = kinds[cadence as Cadence] ?? kinds.daily;
  return `${kind}, ${humanDate(to, locale.tag)}`;
}

function shell(ctx: Ctx, title: string, path: string, main: Html): Html {
  // The same page exists in each language (the archive is mounted under each prefix).
  return sitePage(ctx, { title, path, main, locale: localeOfCtx(ctx), alternates: localesOf(ctx.content.site) });
}

export function editionPage(ctx: Ctx, e: EditionView): Html {
  const locale = localeOfCtx(ctx);
  const { m, prefix, tag } = locale;
  const title = editionName(e.cadence, e.to, locale);
  const items = e.items.map((original) => {
    // The briefing in the page's language, or the original marked with its own.
    const t = prefix ? original.translations?.[locale.code] : undefined;
    const b = t ? { ...original, ...t } : original;
    const lang = prefix && !t ? html` lang="${ctx.content.site.language}"` : raw("");
    return html`<article class="digest-item"${lang}>
<p class="meta">${dateLine(b, tag, m)}</p>
<h2><a href="${prefix}/briefings/${b.slug}">${b.title}</a></h2>
<p>${b.summary}</p>
<section class="outcomes"><h3>${m.keyOutcomes}</h3><ol>${b.outcomes.map((o) => outcomeItem(o, tag))}</ol></section>
<p><a href="${prefix}/briefings/${b.slug}">${m.archive.readFull}</a></p>
</article>`;
  });
  return shell(
    ctx,
    title,
    `/digests/${e.id}`,
    html`<p class="meta"><a href="${prefix}/digests">${m.archive.all}</a></p>
<h1>${title}</h1>
${items.length ? items : html`<p>${m.archive.gone}</p>`}
${subscribeForm({}, m, undefined, `${prefix}/subscribe`)}`,
  );
}

export function archivePage(ctx: Ctx, editions: { id: string; cadence: string; to: string; items: number }[]): Html {
  const locale = localeOfCtx(ctx);
  const { m, prefix } = locale;
  const list = editions.length
    ? html`<ul class="briefing-list">${editions.map(
        (e) => html`<li><a href="${prefix}/digests/${e.id}">${editionName(e.cadence, e.to, locale)}</a>
<span class="meta"> · ${m.archive.briefings(e.items)}</span></li>`,
      )}</ul>`
    : html`<p>${m.archive.none}</p>`;
  return shell(ctx, m.pastDigests, "/digests", html`<h1>${m.pastDigests}</h1>${list}`);
}
