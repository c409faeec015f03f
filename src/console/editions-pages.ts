// The editions pages: the list (newest first, paged), one edition's numbers (refreshing while in
// flight), the Run now confirmation and the preview of the next edition with Send test.
import { html, raw } from "hono/html";
import { CADENCES, type Cadence } from "../cadences.ts";
import type { IndexedBriefing } from "../content/schema.ts";
import type { EditionSummary } from "../digest/edition-list.ts";
import type { EditionRow, Progress } from "../digest/ledger.ts";
import type { EditionPreview, ScheduledBriefing } from "../digest/preview.ts";
import type { RenderedVariant } from "../digest/render.ts";
import type { Html } from "../web/layout.ts";
import type { SendingPace } from "./edition-rate.ts";
import { count, duration, utcTime } from "./format.ts";
import { type ConsoleContext, consolePage } from "./layout.ts";

const editionPath = (id: string) => `/admin/editions/${encodeURIComponent(id)}`;
export const runPath = (cadence: Cadence) => `/admin/editions/run/${cadence}`;
export const previewPath = (cadence: Cadence) => `/admin/editions/preview/${cadence}`;
export const previewMailPath = (cadence: Cadence) => `/admin/preview/${cadence}/mail`;

const STATUS_TEXT: Record<string, string> = { planning: "planning", sending: "sending", done: "done" };

function cadenceActions() {
  return html`<section aria-labelledby="next-editions">
<h2 id="next-editions">Next editions</h2>
<ul class="actions">
${CADENCES.map(
  (c) => html`<li><a href="${previewPath(c)}">Preview ${c}</a> · <a href="${runPath(c)}">Run ${c} now…</a></li>
`,
)}</ul>
</section>`;
}

export function editionsPage(
  ctx: ConsoleContext,
  rows: EditionSummary[],
  olderHref: string | null,
  first: boolean,
): Html {
  const table = rows.length
    ? html`<div class="scroll"><table>
<caption>Editions, newest first</caption>
<thead><tr><th scope="col">Edition</th><th scope="col">Started</th><th scope="col">Status</th><th scope="col" class="num">Items</th><th scope="col" class="num">Recipients</th><th scope="col" class="num">Sent</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Pending</th><th scope="col" class="num">Delivered</th><th scope="col" class="num">Bounced</th><th scope="col" class="num">Complained</th></tr></thead>
<tbody>
${rows.map(
  (
    p,
  ) => html`<tr><th scope="row"><a href="${editionPath(p.id)}">${p.id}</a></th><td>${utcTime(p.created_at)}</td><td>${STATUS_TEXT[p.status]}</td><td class="num">${count(p.items.length)}</td><td class="num">${count(p.recipients)}</td><td class="num">${count(p.sent)}</td><td class="num">${count(p.failed)}</td><td class="num">${count(p.pending)}</td><td class="num">${count(p.delivered)}</td><td class="num">${count(p.bounced)}</td><td class="num">${count(p.complained)}</td></tr>
`,
)}</tbody>
</table></div>`
    : html`<p>${first ? "No edition has been sent yet." : "No older editions."}</p>`;
  const pager = html`<p class="actions">${first ? raw("") : html`<a href="/admin/editions">Newest editions</a>`}${
    olderHref ? html`<a href="${olderHref}">Older editions</a>` : raw("")
  }</p>`;
  const main = html`<h1>Editions</h1>
${cadenceActions()}
<h2>Sent and sending</h2>
${table}
${pager}`;
  return consolePage(ctx, { title: "Editions", path: "/admin/editions", nav: true, main });
}

function figure(label: string, field: keyof Progress, p: Progress) {
  return html`<tr><th scope="row">${label}</th><td class="num" data-field="${field}">${count(p[field] as number)}</td></tr>
`;
}

export function editionPage(
  ctx: ConsoleContext,
  e: EditionRow,
  p: Progress,
  pace: SendingPace,
  briefingTitles: Map<string, string>,
): Html {
  const inFlight = p.status !== "done";
  const live = inFlight ? raw(` data-progress-url="/admin/digests/${encodeURIComponent(e.id)}"`) : raw("");
  const main = html`<h1>Edition ${e.id}</h1>
<p class="meta">${p.cadence} · started ${utcTime(e.created_at)}${e.completed_at ? html` · done ${utcTime(e.completed_at)}` : raw("")}</p>
<section aria-labelledby="numbers"${live}>
<h2 id="numbers">Numbers</h2>
<p>Status: <strong data-field="status">${STATUS_TEXT[p.status]}</strong>${
    inFlight
      ? html` · <a href="${editionPath(e.id)}">Refresh</a> <span class="meta">(updates by itself every few seconds with JavaScript)</span>`
      : raw("")
  }</p>
<div class="scroll"><table>
<caption>Deliveries of this edition</caption>
<tbody>
${figure("Recipients", "recipients", p)}${figure("Sent", "sent", p)}${figure("Failed", "failed", p)}${figure("Pending", "pending", p)}${figure("Skipped (left before sending)", "skipped", p)}${figure("Delivered", "delivered", p)}${figure("Bounced", "bounced", p)}${figure("Complained", "complained", p)}<tr><th scope="row">Rate</th><td class="num">${pace.perMinute === null ? "–" : `${count(Math.round(pace.perMinute))} per minute`}</td></tr>
${inFlight ? html`<tr><th scope="row">Time left</th><td class="num">${pace.minutesLeft === null ? "–" : duration(pace.minutesLeft)}</td></tr>` : raw("")}
</tbody>
</table></div>
</section>
<section aria-labelledby="items">
<h2 id="items">Briefings carried (${count(p.items.length)})</h2>
<ul>
${p.items.map((slug) => html`<li><a href="/briefings/${slug}">${briefingTitles.get(slug) ?? slug}</a></li>`)}
</ul>
</section>
<section aria-labelledby="failures">
<h2 id="failures">Failures</h2>
${
  p.errors.length
    ? html`<div class="scroll"><table>
<caption>Batches the provider did not take, with the reason</caption>
<thead><tr><th scope="col">Batch</th><th scope="col">Reason</th></tr></thead>
<tbody>${p.errors.map((f) => html`<tr><td>${f.chunk}</td><td>${f.error}</td></tr>`)}</tbody>
</table></div>`
    : html`<p>None.</p>`
}
</section>
<p><a href="/admin/editions">All editions</a></p>`;
  return consolePage(ctx, { title: `Edition ${e.id}`, path: "/admin/editions", nav: true, main, script: inFlight });
}

function itemList(items: Pick<IndexedBriefing, "slug" | "title">[]) {
  return html`<ul>${items.map((b) => html`<li><a href="/briefings/${b.slug}">${b.title}</a></li>`)}</ul>`;
}

export function runConfirmPage(
  ctx: ConsoleContext,
  cadence: Cadence,
  preview: EditionPreview,
  items: Pick<IndexedBriefing, "slug" | "title">[],
  notice?: string,
): Html {
  const body =
    items.length === 0
      ? html`<p>Nothing to send: the next ${cadence} edition (${preview.edition}) would carry no briefing. Nothing was started.</p>`
      : html`<p>The ${cadence} edition <strong>${preview.edition}</strong> would carry ${count(items.length)} briefing${items.length === 1 ? "" : "s"} to <strong>${count(preview.recipients)}</strong> reader${preview.recipients === 1 ? "" : "s"} (at most: readers who already got a briefing on another cadence are left out):</p>
${itemList(items)}
<form method="post" action="${runPath(cadence)}" class="actions">
<button type="submit">Run now</button>
<a href="/admin/editions">Cancel</a>
</form>`;
  const main = html`<h1>Run the ${cadence} edition now?</h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : raw("")}
${body}
<p><a href="${previewPath(cadence)}">See the mail first</a></p>`;
  return consolePage(ctx, { title: `Run the ${cadence} edition now?`, path: "/admin/editions", nav: true, main });
}

export interface TestForm {
  value?: string;
  error?: string;
  sent?: string;
}

export function previewPage(
  ctx: ConsoleContext,
  cadence: Cadence,
  preview: EditionPreview,
  mail: RenderedVariant | null,
  sample: Pick<IndexedBriefing, "title"> | null,
  scheduled: ScheduledBriefing[] = [],
  form: TestForm = {},
): Html {
  const others = CADENCES.filter((c) => c !== cadence);
  const intro = sample
    ? html`<p class="notice">Nothing new to send: the next ${cadence} edition (${preview.edition}, ${utcTime(preview.runAt)}) would carry no briefing. Below, a <strong>sample</strong>: the latest briefing, “${sample.title}”, as the mail would show it. It is not what the next edition will send.</p>`
    : html`<p>The next ${cadence} edition, <strong>${preview.edition}</strong>, goes out ${utcTime(preview.runAt)} to ${count(preview.recipients)} reader${preview.recipients === 1 ? "" : "s"} (at most).</p>`;
  const what = sample ? "Sample mail" : "Mail";
  const mailParts = mail
    ? html`<h2>${what}: subject</h2>
<p><strong>${mail.subject}</strong></p>
<h2>${what}: HTML part</h2>
<iframe class="mail" title="${sample ? "Sample mail" : "Mail"}: ${mail.subject}" src="${previewMailPath(cadence)}" sandbox=""></iframe>
<h2>${what}: text part</h2>
<pre class="mail-text">${mail.text}</pre>`
    : html`<p>There is no briefing yet, so there is no mail to show.</p>`;
  const invalid = form.error ? raw(' aria-invalid="true" aria-describedby="to-error"') : raw("");
  const testForm = mail
    ? html`<form method="post" action="${previewPath(cadence)}/test" class="panel" novalidate>
<h2>Send a test</h2>
${form.sent ? html`<p role="status">Test sent to ${form.sent}: “[Test] ${mail.subject}”.</p>` : raw("")}
<p><label for="to">Test address</label><br>
<input id="to" name="to" type="email" autocomplete="email" value="${form.value ?? ""}" required${invalid}></p>
${form.error ? html`<p class="error" id="to-error">Test address: ${form.error}</p>` : raw("")}
<p><button type="submit">Send test</button></p>
</form>`
    : raw("");
  const upcoming = scheduled.length
    ? html`<h2>Scheduled</h2>
<p>Dated later than now: on no page, feed or mail until their time.</p>
<ul>${scheduled.map((b) => html`<li>${b.title}: publishes ${utcTime(b.published)}; ${b.inEdition ? "in this edition" : "in a later edition"}</li>`)}</ul>`
    : raw("");
  const main = html`<h1>Preview: the next ${cadence} edition</h1>
<p class="meta">Other cadences: ${others.map((c, i) => html`${i ? ", " : ""}<a href="${previewPath(c)}">${c}</a>`)} · <a href="${runPath(cadence)}">Run ${cadence} now…</a></p>
${intro}
${upcoming}
${testForm}
${mailParts}`;
  return consolePage(ctx, { title: `Preview: the next ${cadence} edition`, path: "/admin/editions", nav: true, main });
}
