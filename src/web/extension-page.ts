// The page the JSON Feed extension's `about` URL points at: what `_briefwire` holds, for people who
// write programs against the feeds. The machine-readable form is the JSON Schema it links.
import { html } from "hono/html";
import type { Content } from "../content/schema.ts";
import { EXTENSION_SCHEMA_PATH } from "../feeds/extension.ts";
import { type Html, sitePage } from "./layout.ts";

const FIELDS: [field: string, meaning: string][] = [
  ["about", "The address of this page."],
  ["briefing.slug · title · url", "The briefing the item is (or, in an outcomes feed, belongs to)."],
  ["outcomes[]", "The briefing's key outcomes in order; one in an outcomes feed."],
  ["outcomes[].id · url", "A stable id, and the outcome's place on the briefing page (url ends in #id)."],
  ["outcomes[].headline · detail", "Plain text; detail may be absent."],
  ["outcomes[].figures[].label · value · unit", "The figure as the author wrote it, e.g. 20.9 and EUR bn."],
  ["outcomes[].figures[].amount", "The value in the unit's base: 20900000000 for 20.9 EUR bn."],
  ["outcomes[].figures[].currency", "ISO 4217 code, when the unit names a currency."],
  ["outcomes[].figures[].text", "The figure as the site shows it, e.g. €20.9 billion."],
];

export function extensionPage(ctx: { content: Content; base: string }, path: string): Html {
  const main = html`<h1>The <code>_briefwire</code> JSON Feed extension</h1>
<p>Every <a href="/feed.json">JSON Feed</a> of this site (also <code>/outcomes/feed.json</code> and
<code>/tags/&lt;tag&gt;/feed.json</code>) carries, besides the standard
<a href="https://www.jsonfeed.org/version/1.1/">JSON Feed 1.1</a> fields, an extension object
<code>_briefwire</code>: at the top level with just <code>about</code>, and on each item with the
briefing's key outcomes as data.</p>
<p>A JSON Schema (draft 2020-12) describes it exactly: <a href="${EXTENSION_SCHEMA_PATH}">${ctx.base}${EXTENSION_SCHEMA_PATH}</a>.</p>
<table>
<caption>Fields of an item's <code>_briefwire</code> object</caption>
<thead><tr><th scope="col">Field</th><th scope="col">Meaning</th></tr></thead>
<tbody>${FIELDS.map(([f, m]) => html`<tr><td><code>${f}</code></td><td>${m}</td></tr>`)}</tbody>
</table>
<p>New fields may be added; existing ones keep their meaning.</p>`;
  return sitePage(ctx, {
    title: "The _briefwire JSON Feed extension",
    path,
    main,
    description: "What the _briefwire extension of this site's JSON Feeds holds, with its JSON Schema.",
  });
}
