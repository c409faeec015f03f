// The briefings as the digest sees them (the index of recent briefings), read-only: when each was
// published, which editions carried it, and links to its page and feeds. Content stays in files.
import { html, raw } from "hono/html";
import type { IndexedBriefing } from "../content/schema.ts";
import type { Html } from "../web/layout.ts";
import { utcTime } from "./format.ts";
import { type ConsoleContext, consolePage } from "./layout.ts";

export function briefingsPage(
  ctx: ConsoleContext,
  briefings: IndexedBriefing[],
  carried: Map<string, { cadence: string; edition: string }[]>,
  completeFrom: string | null,
  now: Date,
): Html {
  const rows = briefings.map((b) => {
    const editions = carried.get(b.slug) ?? [];
    // Its page answers 404 until then: no link to follow yet.
    const scheduled = Date.parse(b.published) > now.getTime();
    return html`<tr>
<th scope="row">${scheduled ? b.title : html`<a href="/briefings/${b.slug}">${b.title}</a>`}</th>
<td>${scheduled ? html`<strong>Scheduled</strong>: publishes ${utcTime(b.published)}` : utcTime(b.published)}</td>
<td>${
      editions.length
        ? html`<ul>${editions.map((e) => html`<li>${e.cadence}: <a href="/admin/editions/${e.edition}">${e.edition}</a></li>`)}</ul>`
        : "not mailed yet"
    }</td>
<td>${
      b.tags.length
        ? html`<ul>${b.tags.map((t) => html`<li><a href="/tags/${t}/feed.xml">${t} (RSS)</a></li>`)}</ul>`
        : "–"
    }</td>
</tr>`;
  });
  const main = html`<h1>Briefings</h1>
<p>Every briefing ${completeFrom ? html`published since ${utcTime(completeFrom)} (and older ones updated since)` : raw("")}, newest first, with the editions that mailed it. Briefings are files in <code>data/briefings/</code>; this page only reads them. All of them but the scheduled ones are in the site's feeds: <a href="/feed.xml">RSS</a>, <a href="/atom.xml">Atom</a>, <a href="/feed.json">JSON Feed</a>. A scheduled briefing (dated later than now) is on no page, feed or mail until its time; then it appears by itself, and the next edition of each cadence carries it.</p>
${
  briefings.length
    ? html`<div class="scroll"><table>
<caption>Briefings, newest first</caption>
<thead><tr><th scope="col">Briefing</th><th scope="col">Published</th><th scope="col">Carried by</th><th scope="col">Topic feeds</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`
    : html`<p>No briefing yet.</p>`
}`;
  return consolePage(ctx, { title: "Briefings", path: "/admin/briefings", nav: true, main });
}
