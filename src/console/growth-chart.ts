// Subscribers over the last days as inline SVG drawn on the server (no script, no chart library):
// confirmed readers at each day's end as a line, joins above and leaves below a baseline as bars. The
// SVG has a name; the same figures follow as a table for screen readers and for reading exact numbers.
import { html, raw } from "hono/html";
import type { Growth } from "../subscriptions/growth.ts";
import { count } from "./format.ts";

const WIDTH = 720;
const LINE_HEIGHT = 160;
const BAR_HEIGHT = 60;
const PAD = 8;

/** Rounds a maximum up to a readable axis label (1, 2, 5 × 10^k). */
function niceCeiling(n: number): number {
  if (n <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  return ([1, 2, 5, 10].find((m) => m * power >= n) ?? 10) * power;
}

const fixed = (n: number) => Number(n.toFixed(1));

function svg(growth: Growth, title: string) {
  const days = growth.days;
  const step = days.length > 1 ? (WIDTH - 2 * PAD) / (days.length - 1) : 0;
  const x = (i: number) => fixed(PAD + i * step);
  const top = niceCeiling(Math.max(...days.map((d) => d.confirmed), 0));
  const y = (n: number) => fixed(PAD + (LINE_HEIGHT - 2 * PAD) * (1 - n / top));
  const points = days.map((d, i) => `${x(i)},${y(d.confirmed)}`).join(" ");
  const change = niceCeiling(Math.max(...days.map((d) => Math.max(d.joins, d.leaves)), 0));
  const base = LINE_HEIGHT + BAR_HEIGHT / 2;
  const bar = (n: number) => fixed(((BAR_HEIGHT / 2 - 2) * n) / change);
  const barWidth = Math.max(1, fixed(step * 0.6));
  const bars = days
    .map((d, i) => {
      const left = fixed(x(i) - barWidth / 2);
      const join = d.joins
        ? `<rect class="joins" fill="currentColor" fill-opacity="0.55" x="${left}" y="${fixed(base - bar(d.joins))}" width="${barWidth}" height="${bar(d.joins)}"/>`
        : "";
      const leave = d.leaves
        ? `<rect class="leaves" fill="#d9534f" x="${left}" y="${base}" width="${barWidth}" height="${bar(d.leaves)}"/>`
        : "";
      return join + leave;
    })
    .join("");
  // Reconstructed days are shaded behind the line, so the eye sees where the record begins.
  const firstRecorded = days.findIndex((d) => !d.reconstructed);
  const rebuilt = firstRecorded === -1 ? days.length : firstRecorded;
  const shade =
    rebuilt > 0
      ? `<rect class="reconstructed" fill="currentColor" fill-opacity="0.07" x="0" y="0" width="${fixed(Math.min(WIDTH, x(rebuilt - 1) + step / 2))}" height="${LINE_HEIGHT + BAR_HEIGHT}"/>`
      : "";
  const height = LINE_HEIGHT + BAR_HEIGHT;
  return html`<svg class="chart" role="img" aria-labelledby="growth-chart-title" viewBox="0 0 ${WIDTH} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">
<title id="growth-chart-title">${title}</title>
${raw(shade)}<line class="axis" stroke="currentColor" stroke-opacity="0.4" x1="0" y1="${LINE_HEIGHT}" x2="${WIDTH}" y2="${LINE_HEIGHT}"/>
<line class="axis" stroke="currentColor" stroke-opacity="0.4" x1="0" y1="${base}" x2="${WIDTH}" y2="${base}"/>
<text fill="currentColor" font-size="12" x="${PAD}" y="${PAD + 10}">${count(top)}</text>
<text fill="currentColor" font-size="12" x="${PAD}" y="${LINE_HEIGHT - 4}">0</text>
<polyline class="confirmed" fill="none" stroke="currentColor" stroke-width="2" points="${points}"/>
${raw(bars)}
</svg>`;
}

export function growthSection(growth: Growth) {
  const days = growth.days;
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) return raw("");
  const joins = days.reduce((n, d) => n + d.joins, 0);
  const leaves = days.reduce((n, d) => n + d.leaves, 0);
  const title = `Confirmed subscribers over the last ${days.length} days, ${first.day} to ${last.day}: from ${count(first.confirmed)} to ${count(last.confirmed)}; ${count(joins)} joined and ${count(leaves)} left.`;
  const recorded = growth.recordedSince
    ? html`Recorded as it happens since ${growth.recordedSince}.`
    : html`Nothing is recorded yet.`;
  return html`<section aria-labelledby="growth">
<h2 id="growth">Subscribers over ${days.length} days</h2>
<figure class="chart">
${svg(growth, title)}
<figcaption>The line: confirmed readers at each day's end. Bars: joins above the baseline, leaves below it. ${recorded} Days marked “reconstructed” (shaded) come before the record began: they were rebuilt once from each reader's own dates, so a reader who left and came back shows only their latest confirmation there.</figcaption>
</figure>
<details>
<summary>The figures, day by day</summary>
<div class="scroll"><table>
<caption>Subscribers per day (UTC)</caption>
<thead><tr><th scope="col">Day</th><th scope="col" class="num">Confirmed</th><th scope="col" class="num">Joins</th><th scope="col" class="num">Leaves</th><th scope="col">Note</th></tr></thead>
<tbody>
${days.map(
  (d) =>
    html`<tr data-day="${d.day}"><th scope="row">${d.day}</th><td class="num">${count(d.confirmed)}</td><td class="num">${count(d.joins)}</td><td class="num">${count(d.leaves)}</td><td>${d.reconstructed ? "reconstructed" : ""}</td></tr>
`,
)}</tbody>
</table></div>
</details>
</section>`;
}
