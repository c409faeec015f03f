// The digest archive: the public web copy of each edition ("view in browser") and the list of them.
// No personal data: every reader of an edition sees the same page, with all of its briefings.
import { html } from "hono/html";
import type { IndexedBriefing } from "../content/schema.ts";
import { humanDate } from "../render/dates.ts";
import { type Html, sitePage } from "./layout.ts";
import { dateLine, outcomeItem, subscribeForm } from "./pages.ts";
import type { Ctx } from "./subscription-pages.ts";

export interface EditionView {
  id: string;
  cadence: string;
  to: string;
  items: IndexedBriefing[];
}

/** How an edition is named on the archive pages: "Daily digest, 28 November 2026". */
function editionName(cadence: string, to: string, lang: string): string {
  const kind = cadence === "instant" ? "Instant alert" : cadence === "weekly" ? "Weekly digest" : "Daily digest";
  return `${kind}, ${humanDate(to, lang)}`;
}

function shell(ctx: Ctx, title: string, path: string, main: Html): Html {
  return sitePage(ctx, { title, path, main });
}

export function editionPage(ctx: Ctx, e: EditionView): Html {
  const lang = ctx.content.site.language;
  const title = editionName(e.cadence, e.to, lang);
  const items = e.items.map(
    (b) => html`<article class="digest-item">
<p class="meta">${dateLine(b, lang)}</p>
<h2><a href="/briefings/${b.slug}">${b.title}</a></h2>
<p>${b.summary}</p>
<section class="outcomes"><h3>Key outcomes</h3><ol>${b.outcomes.map((o) => outcomeItem(o, lang))}</ol></section>
<p><a href="/briefings/${b.slug}">Read the full briefing →</a></p>
</article>`,
  );
  return shell(
    ctx,
    title,
    `/digests/${e.id}`,
    html`<p class="meta"><a href="/digests">All digests</a></p>
<h1>${title}</h1>
${items.length ? items : html`<p>The briefings of this edition are no longer published.</p>`}
${subscribeForm()}`,
  );
}

export function archivePage(ctx: Ctx, editions: { id: string; cadence: string; to: string; items: number }[]): Html {
  const lang = ctx.content.site.language;
  const list = editions.length
    ? html`<ul class="briefing-list">${editions.map(
        (e) => html`<li><a href="/digests/${e.id}">${editionName(e.cadence, e.to, lang)}</a>
<span class="meta"> · ${e.items} briefing${e.items === 1 ? "" : "s"}</span></li>`,
      )}</ul>`
    : html`<p>No digest has been sent yet.</p>`;
  return shell(ctx, "Past digests", "/digests", html`<h1>Past digests</h1>${list}`);
}
