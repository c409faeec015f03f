// The console's front page: the list in counts, the last editions with their rates (flagged where
// mailbox providers start to penalise), and the health of sending.
import { html, raw } from "hono/html";
import { CADENCES, type Cadence } from "../cadences.ts";
import type { EditionSummary } from "../digest/edition-list.ts";
import type { EditionRow } from "../digest/ledger.ts";
import type { Growth } from "../subscriptions/growth.ts";
import type { Stats } from "../subscriptions/reports.ts";
import type { Html } from "../web/layout.ts";
import { BOUNCE_LIMIT, COMPLAINT_LIMIT, deliveryRates } from "./delivery-rates.ts";
import { count, duration, percent, utcTime } from "./format.ts";
import { growthSection } from "./growth-chart.ts";
import { type ConsoleContext, consolePage } from "./layout.ts";

export interface Health {
  inFlight: { edition: EditionRow; stuckMinutes: number | null }[];
  /** Digest batches given up (dead-lettered past their 23 h window, or refused by the provider). */
  failedBatches: number;
  /** Confirmation and welcome mails given up (23 h unsent, or dead-lettered), and the last one's time. */
  failedMail: { count: number; last: string | null };
  /** Calls to the provider held back: a spent quota or an outage, and until when. */
  providerPause: { until: string; reason: string } | null;
  transport: "resend" | "outbox";
  webhookSecretSet: boolean;
  nextRuns: Record<Cadence, Date>;
}

function tile(label: string, n: number, detail?: string) {
  return html`<li><strong>${count(n)}</strong> ${label}${detail ? html` <small>(${detail})</small>` : raw("")}</li>
`;
}

function subscribers(stats: Stats) {
  const { bounced, complained } = stats.suppressed;
  const topics = Object.entries(stats.confirmedByTopic);
  return html`<section aria-labelledby="subscribers">
<h2 id="subscribers">Subscribers</h2>
<ul class="tiles" aria-label="By status">
${tile("confirmed", stats.byStatus.confirmed ?? 0)}${tile("pending", stats.byStatus.pending ?? 0)}${tile("unsubscribed", stats.byStatus.unsubscribed ?? 0)}${tile("suppressed", bounced + complained, `${count(bounced)} bounced, ${count(complained)} complained`)}</ul>
<h3>Confirmed readers by cadence and topic</h3>
<ul class="tiles" aria-label="Confirmed by cadence">
${CADENCES.map((c) => tile(c, stats.confirmedByCadence[c] ?? 0))}</ul>
<ul class="tiles" aria-label="Confirmed by topic">
${topics.map(([topic, n]) => tile(topic, n))}${tile("every topic", stats.confirmedEveryTopic, "chose none")}</ul>
<p>A reader may choose several topics, so the topics add up to more than the confirmed readers.</p>
</section>`;
}

function rate(part: number, sent: number, flagged: boolean) {
  const text = percent(part, sent);
  return flagged ? html`<span class="flag">${text} (too high)</span>` : text;
}

function lastEditions(rows: EditionSummary[]) {
  const body = rows.map((p) => {
    const r = deliveryRates(p);
    return html`<tr><th scope="row"><a href="/admin/editions/${p.id}">${p.id}</a></th><td class="num">${count(p.recipients)}</td><td class="num">${count(p.sent)}</td><td class="num">${count(p.delivered)}</td><td class="num">${count(p.bounced)}</td><td class="num">${rate(p.bounced, p.sent, r.bounceFlag)}</td><td class="num">${count(p.complained)}</td><td class="num">${rate(p.complained, p.sent, r.complaintFlag)}</td></tr>
`;
  });
  return html`<section aria-labelledby="last-editions">
<h2 id="last-editions">Last editions</h2>
${
  rows.length
    ? html`<p>Rates are of the mail sent. Mailbox providers start to penalise a sender over ${percent(BOUNCE_LIMIT, 1)} bounces or ${percent(COMPLAINT_LIMIT, 1)} complaints: such rates are marked “too high”.</p>
<div class="scroll"><table>
<caption>The last editions</caption>
<thead><tr><th scope="col">Edition</th><th scope="col" class="num">Recipients</th><th scope="col" class="num">Sent</th><th scope="col" class="num">Delivered</th><th scope="col" class="num">Bounced</th><th scope="col" class="num">Bounce rate</th><th scope="col" class="num">Complained</th><th scope="col" class="num">Complaint rate</th></tr></thead>
<tbody>
${body}</tbody>
</table></div>`
    : html`<p>No edition yet. <a href="/admin/editions">Preview or run one</a>.</p>`
}
<p><a href="/admin/editions">All editions</a></p>
</section>`;
}

function health(h: Health) {
  const flying = h.inFlight.length
    ? html`<ul>${h.inFlight.map(
        ({ edition: e, stuckMinutes }) =>
          html`<li><a href="/admin/editions/${e.id}">${e.id}</a>: ${e.status}${
            stuckMinutes === null
              ? raw("")
              : html` — <span class="flag">stuck: no progress for ${duration(stuckMinutes)}</span> (the sweeper resumes it within 15 minutes)`
          }</li>`,
      )}</ul>`
    : html`<p>No edition is going out right now.</p>`;
  return html`<section aria-labelledby="health">
<h2 id="health">Health</h2>
<h3>Editions in flight</h3>
${flying}
<h3>Sending</h3>
<ul>
<li>Digest batches given up (dead-lettered or refused): ${h.failedBatches ? html`<span class="flag">${count(h.failedBatches)}</span> — each edition's page lists them with the reason` : "none"}</li>
<li>Confirmation and welcome mails given up (23 h unsent or dead-lettered): ${h.failedMail.count ? html`<span class="flag">${count(h.failedMail.count)}</span>, the last at ${utcTime(h.failedMail.last)} — each reader's history shows it` : "none"}</li>
<li>Provider back-off: ${h.providerPause ? html`<span class="flag">holding calls until ${utcTime(h.providerPause.until)}</span> (${h.providerPause.reason})` : "none: calls go out at the provider's rate"}</li>
<li>Transport: ${h.transport === "resend" ? "Resend" : html`the local outbox (no <code>RESEND_API_KEY</code>): mail goes to <a href="/outbox">/outbox</a>`}</li>
<li>Webhook secret (<code>RESEND_WEBHOOK_SECRET</code>): ${h.webhookSecretSet ? "set" : html`<span class="flag">not set</span> — deliveries, bounces and complaints are not recorded`}</li>
</ul>
<h3>Next scheduled runs</h3>
<ul>${CADENCES.map((c) => html`<li>${c}: ${utcTime(h.nextRuns[c])}</li>`)}</ul>
</section>`;
}

export function overviewPage(
  ctx: ConsoleContext,
  stats: Stats,
  growth: Growth,
  editions: EditionSummary[],
  h: Health,
): Html {
  const main = html`<h1>Overview</h1>
${subscribers(stats)}
${growthSection(growth)}
${lastEditions(editions)}
${health(h)}`;
  return consolePage(ctx, { title: "Overview", path: "/admin/", nav: true, main });
}
