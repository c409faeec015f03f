// The subscribers pages: the list (search, filters, keyset paging, export), one reader's page (status,
// choices, dates, history) and the confirmation step in front of each action on a reader.
import { html, raw } from "hono/html";
import { CADENCES } from "../cadences.ts";
import type { HistoryEntry, ReaderHistory, ReaderProfile } from "../subscriptions/history.ts";
import { type FieldError, type SearchPage, type SearchRow, STATUSES } from "../subscriptions/search.ts";
import type { Html } from "../web/layout.ts";
import { utcTime } from "./format.ts";
import { type ConsoleContext, consolePage } from "./layout.ts";

const LIST = "/admin/subscribers";
export const readerPath = (id: number) => `${LIST}/${id}`;

/** What the list's form holds, as typed (kept when a field is refused). */
export interface ListForm {
  q?: string;
  status?: string;
  cadence?: string;
  topic?: string;
}

const nameOf = (r: { id: number; email: string | null }) => r.email ?? `Erased reader #${r.id}`;

function queryString(form: ListForm, extra: Record<string, string> = {}): string {
  const fields = Object.entries({ ...form, ...extra }).filter(([, v]) => typeof v === "string" && v !== "");
  return new URLSearchParams(fields as [string, string][]).toString();
}

function select(
  id: string,
  label: string,
  values: readonly string[],
  chosen: string | undefined,
  errors: FieldError[],
) {
  const error = errors.find((e) => e.field === id);
  return html`<p><label for="${id}">${label}</label><br>
<select id="${id}" name="${id}"${error ? raw(` aria-invalid="true" aria-describedby="${id}-error"`) : raw("")}>
<option value="">Any</option>
${values.map((v) => html`<option value="${v}"${v === chosen ? raw(" selected") : raw("")}>${v}</option>`)}
</select></p>`;
}

function searchForm(form: ListForm, topics: readonly string[], errors: FieldError[]) {
  const qError = errors.find((e) => e.field === "q");
  const described = qError ? "q-help q-error" : "q-help";
  return html`<form method="get" action="${LIST}" class="panel" role="search" novalidate>
<p><label for="q">Search subscribers</label><br>
<input id="q" name="q" type="search" value="${form.q ?? ""}" aria-describedby="${described}"${qError ? raw(' aria-invalid="true"') : raw("")}></p>
<p class="meta" id="q-help">The start of an address (<code>ann</code>, <code>ann.lee@exa</code>) or <code>@</code> and the start of a domain (<code>@example.org</code>). A search by the start stays fast on a list of millions: it reads a range of an index on the address or the domain, never the whole list.</p>
<div class="filters">
${select("status", "Status", STATUSES, form.status, errors)}
${select("cadence", "Cadence", CADENCES, form.cadence, errors)}
${select("topic", "Topic", topics, form.topic, errors)}
</div>
${errors.length ? html`<div role="alert">${errors.map((e) => html`<p class="error" id="${e.field}-error">${fieldLabel(e.field)}: ${e.reason}</p>`)}</div>` : raw("")}
<p><button type="submit">Search</button></p>
</form>`;
}

const FIELD_LABELS: Record<string, string> = {
  q: "Search subscribers",
  status: "Status",
  cadence: "Cadence",
  topic: "Topic",
  after: "Page",
};
const fieldLabel = (field: string) => FIELD_LABELS[field] ?? field;

function resultsTable(rows: SearchRow[]) {
  return html`<div class="scroll"><table>
<caption>Subscribers found</caption>
<thead><tr><th scope="col">Address</th><th scope="col">Status</th><th scope="col">Cadence</th><th scope="col">Topics</th><th scope="col">Joined</th><th scope="col">Confirmed</th></tr></thead>
<tbody>
${rows.map(
  (r) =>
    html`<tr><th scope="row"><a href="${readerPath(r.id)}">${nameOf(r)}</a></th><td>${r.status}</td><td>${r.cadence}</td><td>${r.topics.length ? r.topics.join(", ") : "every topic"}</td><td>${utcTime(r.created_at)}</td><td>${utcTime(r.confirmed_at)}</td></tr>
`,
)}</tbody>
</table></div>`;
}

export interface ListView {
  form: ListForm;
  topics: readonly string[];
  /** Null when the form was refused (errors say why). */
  page: SearchPage | null;
  errors: FieldError[];
  first: boolean;
}

export function subscribersPage(ctx: ConsoleContext, v: ListView): Html {
  const searching = !!(v.form.q || v.form.status || v.form.cadence || v.form.topic);
  const page = v.page;
  const results = !page
    ? raw("")
    : page.rows.length
      ? resultsTable(page.rows)
      : html`<p>${page.next !== null ? "None on this stretch of the list; the next page looks further." : v.first ? "No subscriber matches." : "No more subscribers match."}</p>`;
  const nextHref = page?.next != null ? `${LIST}?${queryString(v.form, { after: String(page.next) })}` : null;
  const pager = page
    ? html`<p class="actions">${v.first ? raw("") : html`<a href="${LIST}?${queryString(v.form)}">First page</a>`}${
        nextHref ? html`<a href="${nextHref}" rel="next">Next page</a>` : raw("")
      }</p>`
    : raw("");
  const csv = `${LIST}.csv${searching ? `?${queryString(v.form)}` : ""}`;
  const title = v.form.q ? `Subscribers starting “${v.form.q}”` : "Subscribers";
  const main = html`<h1>${title}</h1>
<p class="actions"><a href="${csv}" download>Export ${searching ? "these subscribers" : "every subscriber"} as CSV</a><a href="${LIST}/import">Import a CSV</a></p>
${searchForm(v.form, v.topics, v.errors)}
${results}
${pager}`;
  return consolePage(ctx, { title, path: LIST, nav: true, main });
}

const EVENT_TEXT: Record<string, string> = {
  "subscribe-requested": "Asked to subscribe",
  "resubscribe-requested": "Asked to subscribe again",
  confirmed: "Confirmed",
  "confirmation-resent": "Confirmation mail sent again",
  preferences: "Changed their choices",
  unsubscribed: "Unsubscribed",
  imported: "Imported",
  "import-updated": "Updated by an import",
  "pending-expired": "Sign-up expired unconfirmed",
  "resubscribe-expired": "Re-subscription expired unconfirmed",
  erased: "Erased on request",
  bounced: "Bounced (suppressed)",
  complained: "Complained (suppressed)",
};

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return "";
  if (typeof detail !== "object") return String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .map(
      ([k, v]) =>
        `${k}: ${Array.isArray(v) ? v.join(", ") || "none" : typeof v === "object" ? JSON.stringify(v) : String(v)}`,
    )
    .join("; ");
}

function historyRow(e: HistoryEntry) {
  if (e.kind === "event") {
    return html`<tr><td>${utcTime(e.at)}</td><td>${EVENT_TEXT[e.event] ?? e.event}</td><td>${detailText(e.detail)}</td></tr>
`;
  }
  const reported = [
    e.delivered_at ? `delivered ${utcTime(e.delivered_at)}` : "",
    e.bounced_at ? `bounced ${utcTime(e.bounced_at)}` : "",
    e.complained_at ? `complained ${utcTime(e.complained_at)}` : "",
  ].filter(Boolean);
  return html`<tr><td>${utcTime(e.at)}</td><td>Edition <a href="/admin/editions/${encodeURIComponent(e.edition)}">${e.edition}</a> (${e.cadence})</td><td>${e.status}${reported.length ? `; ${reported.join("; ")}` : ""}</td></tr>
`;
}

function dates(r: ReaderProfile) {
  const row = (label: string, at: string | null) =>
    at
      ? html`<tr><th scope="row">${label}</th><td>${utcTime(at)}</td></tr>
`
      : raw("");
  return html`${row("Joined", r.created_at)}${row("Consent given", r.consent_at)}${row("Confirmed", r.confirmed_at)}${row("Unsubscribed", r.unsubscribed_at)}${row("Suppressed", r.suppressed_at)}${row("Erased", r.erased_at)}${row("Last change", r.updated_at)}`;
}

export type ReaderNotice = { text: string; kind: "status" | "error" };

function actions(r: ReaderProfile) {
  if (r.erased_at)
    return html`<p>Erased: only a hash of the address is kept, so it is never mailed again. Nothing more can be done here.</p>`;
  const base = readerPath(r.id);
  const unsubscribe =
    r.status === "pending" || r.status === "confirmed"
      ? html`<form method="get" action="${base}/unsubscribe"><button type="submit">Unsubscribe</button></form>`
      : raw("");
  const resend =
    r.status === "pending"
      ? html`<form method="get" action="${base}/confirmation"><button type="submit">Resend confirmation</button></form>`
      : raw("");
  return html`<div class="actions">${unsubscribe}${resend}<form method="get" action="${base}/erase"><button type="submit">Erase</button></form></div>
<p class="meta">Each asks you to confirm first.</p>`;
}

export function readerPage(ctx: ConsoleContext, h: ReaderHistory, notice?: ReaderNotice): Html {
  const r = h.reader;
  const name = nameOf(r);
  const main = html`<h1>${name}</h1>
${notice ? html`<p class="${notice.kind === "error" ? "error" : "notice"}" role="${notice.kind === "error" ? "alert" : "status"}">${notice.text}</p>` : raw("")}
<section aria-labelledby="standing">
<h2 id="standing">Status and choices</h2>
<div class="scroll"><table>
<caption>Where this reader stands</caption>
<tbody>
<tr><th scope="row">Status</th><td>${r.status}${r.suppressed_reason ? ` (${r.suppressed_reason})` : ""}</td></tr>
<tr><th scope="row">Cadence</th><td>${r.cadence}</td></tr>
<tr><th scope="row">Topics</th><td>${r.topics.length ? r.topics.join(", ") : "every topic"}</td></tr>
<tr><th scope="row">Came through</th><td>${r.consent_source}</td></tr>
${dates(r)}</tbody>
</table></div>
</section>
<section aria-labelledby="reader-actions">
<h2 id="reader-actions">Actions</h2>
${actions(r)}
</section>
<section aria-labelledby="history">
<h2 id="history">History</h2>
${
  h.history.length
    ? html`<div class="scroll"><table>
<caption>What happened, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Details</th></tr></thead>
<tbody>
${h.history.map(historyRow)}</tbody>
</table></div>`
    : html`<p>Nothing recorded.</p>`
}
<p class="meta">${h.truncated ? "Only the latest entries are shown. " : ""}Editions older than ${h.editionsKeptDays} days are kept as totals only, so they no longer say who received them.</p>
</section>
<p><a href="${LIST}">All subscribers</a></p>`;
  return consolePage(ctx, { title: name, path: LIST, nav: true, main });
}

export type ReaderAction = "unsubscribe" | "erase" | "confirmation";

const ACTIONS: Record<ReaderAction, { button: string; ask: (name: string) => string; explain: string }> = {
  unsubscribe: {
    button: "Unsubscribe",
    ask: (name) => `Unsubscribe ${name}?`,
    explain: "They get no more digests. They can subscribe again themselves, with a new confirmation.",
  },
  erase: {
    button: "Erase",
    ask: (name) => `Erase ${name}?`,
    explain:
      "Their address becomes a hash, and their choices, history and mails in the outbox go. The hash stays as a suppression, so neither a digest, an import nor a form mails them again without a new confirmed sign-up. This cannot be undone.",
  },
  confirmation: {
    button: "Resend confirmation",
    ask: (name) => `Send the confirmation mail to ${name} again?`,
    explain: "The same confirm link goes out again, at most once every few minutes and a few times a day per mailbox.",
  },
};

export function confirmActionPage(ctx: ConsoleContext, r: ReaderProfile, action: ReaderAction): Html {
  const a = ACTIONS[action];
  const title = a.ask(nameOf(r));
  const main = html`<h1>${title}</h1>
<p>${a.explain}</p>
<form method="post" action="${readerPath(r.id)}/${action}" class="actions">
<button type="submit">${a.button}</button>
<a href="${readerPath(r.id)}">Cancel</a>
</form>`;
  return consolePage(ctx, { title, path: LIST, nav: true, main });
}

export function erasedPage(ctx: ConsoleContext, id: number): Html {
  const main = html`<h1>Reader #${id} is erased</h1>
<p role="status">Their address, choices and history are gone; only a hash of the address stays, as a suppression, so it is never mailed again.</p>
<p><a href="${LIST}">All subscribers</a> · <a href="${readerPath(id)}">What is left of reader #${id}</a></p>`;
  return consolePage(ctx, { title: `Reader #${id} is erased`, path: LIST, nav: true, main });
}

export function noReaderPage(ctx: ConsoleContext, what: string): Html {
  const main = html`<h1>No such subscriber</h1>
<p>${what}</p>
<p><a href="${LIST}">All subscribers</a></p>`;
  return consolePage(ctx, { title: "No such subscriber", path: LIST, nav: true, main });
}
