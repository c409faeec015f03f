// The import pages: the upload form (a CSV file, errors shown on the form with the field and the
// reason) and one import job's page: progress (refreshing itself with the console's script, a refresh
// link without), the counts, what was and was not applied if it stopped, and the line-by-line report.
import { html, raw } from "hono/html";
import type { ImportJobView, LineRange, ReportLine } from "../subscriptions/import-jobs.ts";
import type { Html } from "../web/layout.ts";
import { count, utcTime } from "./format.ts";
import { type ConsoleContext, consolePage } from "./layout.ts";

export const IMPORT_PATH = "/admin/subscribers/import";
export const importJobPath = (id: string) => `${IMPORT_PATH}/${encodeURIComponent(id)}`;

export interface UploadError {
  /** The part of the upload at fault: "file", or "header" (its first line). */
  field: string;
  reason: string;
}

const FIELD_NAMES: Record<string, string> = { file: "CSV file", header: "CSV file, first line", body: "CSV file" };

export function uploadPage(ctx: ConsoleContext, maxMiB: number, error?: UploadError): Html {
  const invalid = error ? raw(' aria-invalid="true" aria-describedby="file-error"') : raw("");
  const main = html`<h1>Import subscribers</h1>
<p>Upload a CSV file whose first line is the header <code>email,cadence,tags</code> (<code>cadence</code> and <code>tags</code> may be left out; tags are separated by <code>;</code>). Each address becomes a confirmed subscriber with consent source “import”; an address already confirmed gets only the columns the file has; suppressed and erased addresses are never signed up again. Bad lines never stop the rest: the report names each by its line number.</p>
<p>Big files are imported in pieces in the background; the next page shows the progress. <a href="/admin/subscribers">All subscribers</a></p>
<form method="post" action="${IMPORT_PATH}" enctype="multipart/form-data" class="panel">
<p><label for="file">CSV file</label> <span class="meta">(at most ${maxMiB} MiB)</span><br>
<input id="file" name="file" type="file" accept=".csv,text/csv" required${invalid}></p>
${error ? html`<p class="error" id="file-error">${FIELD_NAMES[error.field] ?? error.field}: ${error.reason}</p>` : raw("")}
<p><button type="submit">Import</button></p>
</form>`;
  return consolePage(ctx, { title: "Import subscribers", path: "/admin/subscribers", nav: true, main });
}

const STATUS_TEXT: Record<ImportJobView["status"], string> = {
  uploading: "uploading",
  importing: "importing",
  done: "done",
  stopped: "stopped",
};

const ranges = (list: LineRange[]) =>
  list.length ? list.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}–${r.to}`)).join(", ") : "none";

function figure(label: string, field: keyof ImportJobView, job: ImportJobView) {
  return html`<tr><th scope="row">${label}</th><td class="num" data-field="${field}">${count(job[field] as number)}</td></tr>
`;
}

export function importJobPage(ctx: ConsoleContext, job: ImportJobView, report: ReportLine[]): Html {
  const running = job.status === "importing" || job.status === "uploading";
  const live = running ? raw(` data-progress-url="/admin/imports/${encodeURIComponent(job.id)}"`) : raw("");
  const problems = job.invalid + job.skipped;
  const stopped =
    job.status === "stopped"
      ? html`<section aria-labelledby="stopped">
<h2 id="stopped">Stopped</h2>
<p>${job.stopReason === "cancelled" ? "The import was cancelled." : `The import stopped: ${job.stopReason ?? "unknown reason"}.`}</p>
<p>Lines applied: ${ranges(job.applied)}.</p>
<p>Lines <strong>not</strong> applied: ${ranges(job.notApplied)}. Import those lines again to finish.</p>
</section>`
      : raw("");
  const main = html`<h1>Import of ${utcTime(job.createdAt)}</h1>
<p class="meta"><a href="${IMPORT_PATH}">Import another file</a> · <a href="/admin/subscribers">All subscribers</a></p>
<section aria-labelledby="progress"${live}>
<h2 id="progress">Progress</h2>
<p>Status: <strong data-field="status">${STATUS_TEXT[job.status]}</strong>${
    running
      ? html` · <a href="${importJobPath(job.id)}">Refresh</a> <span class="meta">(updates by itself every few seconds with JavaScript)</span>`
      : raw("")
  }</p>
<div class="scroll"><table>
<caption>Lines of the file</caption>
<tbody>
${figure("Lines", "lines", job)}${figure("Pieces applied", "piecesApplied", job)}${figure("Pieces", "pieces", job)}${figure("Added", "added", job)}${figure("Updated", "updated", job)}${figure("Invalid", "invalid", job)}${figure("Skipped", "skipped", job)}</tbody>
</table></div>
${
  running
    ? html`<form method="post" action="${importJobPath(job.id)}/cancel"><button type="submit">Cancel import</button></form>`
    : raw("")
}
</section>
${stopped}
<section aria-labelledby="report">
<h2 id="report">Lines not imported (${count(problems)})</h2>
${
  report.length
    ? html`<div class="scroll"><table id="report-lines">
<caption>Invalid and skipped lines${report.length < problems ? `, the first ${count(report.length)}` : ""}</caption>
<thead><tr><th scope="col">Line</th><th scope="col">Kind</th><th scope="col">Reason</th></tr></thead>
<tbody>
${report.map((r) => html`<tr><td class="num">${r.line}</td><td>${r.kind}</td><td>${r.reason}</td></tr>\n`)}</tbody>
</table></div>
<p><a href="/admin/imports/${encodeURIComponent(job.id)}/report.csv">Download the whole report (CSV)</a></p>`
    : html`<p>${running ? "None so far." : "None: every line was imported."}</p>`
}
</section>`;
  return consolePage(ctx, {
    title: `Import of ${utcTime(job.createdAt)}`,
    path: "/admin/subscribers",
    nav: true,
    main,
    script: running,
  });
}
