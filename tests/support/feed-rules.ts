// The checks the W3C Feed Validation Service applies that matter here (warnings included), written
// as functions that return the problems found. Each rule is named as the validator names it.
import { Validator } from "@cfworker/json-schema";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import jsonFeedSchema from "jsonfeed-schema/schema-v1.1.json";

const RFC822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  isArray: (name) => ["item", "entry", "category", "atom:link", "link"].includes(name),
  htmlEntities: false,
});

/** Problems in embedded HTML: relative URLs (ContainsRelRef) and active content (SecurityRisk). */
export function htmlProblems(html: string, where: string): string[] {
  const problems: string[] = [];
  for (const m of html.matchAll(/\s(href|src)="([^"]*)"/g)) {
    const url = (m[2] as string).replace(/&amp;/g, "&");
    if (!/^(https?:|mailto:)/.test(url)) problems.push(`ContainsRelRef: ${where}: ${m[1]}="${url}"`);
  }
  if (/<(script|iframe|object|embed|style)\b/i.test(html)) problems.push(`SecurityRisk: ${where}: active element`);
  if (/<[^>]+\son[a-z]+\s*=/i.test(html)) problems.push(`SecurityRiskAttr: ${where}: event handler attribute`);
  if (/javascript:/i.test(html.replace(/&[a-z#0-9]+;/gi, ""))) {
    for (const m of html.matchAll(/\s(href|src)="\s*javascript:/gi)) problems.push(`SecurityRisk: ${where}: ${m[0]}`);
  }
  return problems;
}

function wellFormed(xml: string): string[] {
  const result = XMLValidator.validate(xml);
  return result === true ? [] : [`NotWellFormed: ${result.err.msg} (line ${result.err.line})`];
}

// The validator's "nonhtml" check: an HTML end tag in a plain-text element reads as HTML.
const HTML_END_TAG = /<\/(a|b|i|em|strong|p|div|span|script|img|br|ul|ol|li|h[1-6])>/i;

/** RSS text elements must carry & and < as hex character references, never as &amp;/&lt; or CDATA. */
function rssCharacterData(xml: string): string[] {
  const problems: string[] = [];
  for (const m of xml.matchAll(/<(title|category|dc:creator)>([\s\S]*?)<\/\1>/g)) {
    const raw = m[2] as string;
    if (/&amp;|&lt;|<!\[CDATA\[/.test(raw)) problems.push(`CharacterData: <${m[1]}>${raw}`);
    if (HTML_END_TAG.test(raw.replace(/&#x3C;/g, "<").replace(/&#x3E;/g, ">")))
      problems.push(`ContainsHTML: <${m[1]}>`);
  }
  return problems;
}

const ABSOLUTE_URL = /^https?:\/\/[^\s]+$/;

/** The validator's image checks: url, title and link present; title and link as the channel's; sizes. */
function rssImageProblems(channel: Record<string, unknown>): string[] {
  const image = channel.image as Record<string, unknown> | undefined;
  if (image === undefined) return [];
  const problems: string[] = [];
  for (const field of ["url", "title", "link"])
    if (image[field] === undefined) problems.push(`MissingElement: image/${field}`);
  if (image.url !== undefined && !ABSOLUTE_URL.test(String(image.url))) problems.push(`InvalidURLAttribute: image/url`);
  if (image.url !== undefined && !/\.(png|gif|jpe?g)$/i.test(String(image.url))) problems.push("ImageUrlFormat");
  if (image.title !== undefined && String(image.title) !== String(channel.title))
    problems.push("ImageTitleDoesntMatch");
  if (image.link !== undefined && String(image.link) !== String(channel.link)) problems.push("ImageLinkDoesntMatch");
  const width = image.width === undefined ? 88 : Number(image.width);
  const height = image.height === undefined ? 31 : Number(image.height);
  if (!Number.isInteger(width) || width <= 0 || width > 144) problems.push(`InvalidWidth: ${image.width}`);
  if (!Number.isInteger(height) || height <= 0 || height > 400) problems.push(`InvalidHeight: ${image.height}`);
  return problems;
}

export function rssProblems(xml: string, servedUrl: string): string[] {
  const problems = wellFormed(xml);
  if (problems.length) return problems;
  problems.push(...rssCharacterData(xml));
  const channel = parser.parse(xml).rss?.channel;
  if (!channel) return ["MissingChannel"];
  for (const field of ["title", "link", "description"])
    if (channel[field] === undefined) problems.push(`MissingElement: channel/${field}`);
  const self = (channel["atom:link"] ?? []).find((l: Record<string, string>) => l["@rel"] === "self");
  if (!self) problems.push("MissingAtomSelfLink");
  else if (self["@href"] !== servedUrl) problems.push(`SelfDoesntMatchLocation: ${self["@href"]} != ${servedUrl}`);
  for (const d of [channel.lastBuildDate, channel.pubDate])
    if (d && !RFC822.test(d)) problems.push(`InvalidRFC2822Date: ${d}`);
  problems.push(...rssImageProblems(channel));
  const guids = new Set<string>();
  for (const item of channel.item ?? []) {
    const guid = typeof item.guid === "object" ? item.guid["#text"] : item.guid;
    if (guids.has(guid)) problems.push(`DuplicateEntries: ${guid}`);
    guids.add(guid);
    if (!RFC822.test(item.pubDate)) problems.push(`InvalidRFC2822Date: ${item.pubDate}`);
    if (item.author !== undefined && !/@/.test(item.author)) problems.push("InvalidContact: item/author");
    problems.push(...htmlProblems(String(item["content:encoded"] ?? ""), `${guid} content:encoded`));
    problems.push(...htmlProblems(String(item.description ?? ""), `${guid} description`));
  }
  return problems;
}

export function atomProblems(xml: string, servedUrl: string): string[] {
  const problems = wellFormed(xml);
  if (problems.length) return problems;
  const feed = parser.parse(xml).feed;
  if (!feed) return ["MissingFeed"];
  if (feed["@xmlns"] !== "http://www.w3.org/2005/Atom") problems.push("WrongNamespace");
  for (const field of ["id", "title", "updated"])
    if (feed[field] === undefined) problems.push(`MissingElement: feed/${field}`);
  if (!RFC3339.test(feed.updated)) problems.push(`InvalidRFC3339Date: ${feed.updated}`);
  for (const field of ["icon", "logo"])
    if (feed[field] !== undefined && !ABSOLUTE_URL.test(String(feed[field])))
      problems.push(`InvalidIRI: feed/${field}`);
  const self = (feed.link ?? []).find((l: Record<string, string>) => l["@rel"] === "self");
  if (!self) problems.push("MissingSelfLink");
  else if (self["@href"] !== servedUrl) problems.push(`SelfDoesntMatchLocation: ${self["@href"]} != ${servedUrl}`);
  const ids = new Set<string>();
  for (const entry of feed.entry ?? []) {
    if (ids.has(entry.id)) problems.push(`DuplicateEntries: ${entry.id}`);
    ids.add(entry.id);
    if (!feed.author && !entry.author) problems.push(`MissingAuthor: ${entry.id}`);
    for (const d of [entry.updated, entry.published])
      if (d && !RFC3339.test(d)) problems.push(`InvalidRFC3339Date: ${d}`);
    for (const field of ["title", "summary"]) {
      const el = entry[field];
      const type = typeof el === "object" ? el["@type"] : "text";
      const text = typeof el === "object" ? String(el["#text"] ?? "") : String(el ?? "");
      if (type === "text" && HTML_END_TAG.test(text)) problems.push(`ContainsUndeclaredHTML: ${entry.id} ${field}`);
      else if (type === "html") problems.push(...htmlProblems(text, `${entry.id} ${field}`));
      else if (type !== "text") problems.push(`${entry.id} ${field}: type="${type}"`);
    }
    const content = entry.content;
    if (content?.["@type"] !== "html") problems.push(`MissingContent: ${entry.id}`);
    else problems.push(...htmlProblems(String(content["#text"] ?? ""), `${entry.id} content`));
  }
  return problems;
}

const jsonFeedValidator = new Validator(jsonFeedSchema as object, "7", false);

/** JSON Feed 1.1: the schema plus what the schema lets through (1.0 version URL, `author`). */
export function jsonFeedProblems(body: string, servedUrl: string): string[] {
  const feed = JSON.parse(body);
  const problems: string[] = jsonFeedValidator
    .validate(feed)
    .errors.map((e) => `schema: ${e.instanceLocation}: ${e.error}`);
  if (feed.version !== "https://jsonfeed.org/version/1.1") problems.push(`version: ${feed.version}`);
  if ("author" in feed) problems.push("uses 1.0 `author` instead of `authors`");
  if (!Array.isArray(feed.authors) || !feed.authors.length) problems.push("missing authors");
  if (feed.next_url !== undefined && feed.next_url === feed.feed_url) problems.push("next_url equals feed_url");
  for (const field of ["icon", "favicon"])
    if (feed[field] !== undefined && !ABSOLUTE_URL.test(String(feed[field])))
      problems.push(`${field}: not an absolute URL`);
  if (!String(servedUrl).startsWith(feed.feed_url))
    problems.push(`feed_url ${feed.feed_url} is not the served feed ${servedUrl}`);
  const ids = new Set<string>();
  for (const item of feed.items) {
    if (typeof item.id !== "string" || !item.id) problems.push("item without a string id");
    if (ids.has(item.id)) problems.push(`duplicate id ${item.id}`);
    ids.add(item.id);
    if (item.content_html === undefined && item.content_text === undefined) problems.push(`${item.id}: no content`);
    if ("author" in item) problems.push(`${item.id}: uses 1.0 author`);
    for (const d of [item.date_published, item.date_modified])
      if (d && !RFC3339.test(d)) problems.push(`${item.id}: date ${d}`);
    for (const k of Object.keys(item)) {
      const known = [
        "id",
        "url",
        "external_url",
        "title",
        "content_html",
        "content_text",
        "summary",
        "image",
        "banner_image",
        "date_published",
        "date_modified",
        "authors",
        "tags",
        "language",
        "attachments",
      ];
      if (!known.includes(k) && !k.startsWith("_")) problems.push(`${item.id}: unknown key ${k}`);
    }
    problems.push(...htmlProblems(item.content_html ?? "", `${item.id} content_html`));
  }
  return problems;
}

/** Each feed of the seed content with its media type: every format of all, outcomes and one tag. */
export const FEEDS = [
  ["/feed.xml", "application/rss+xml; charset=utf-8"],
  ["/atom.xml", "application/atom+xml; charset=utf-8"],
  ["/feed.json", "application/feed+json; charset=utf-8"],
  ["/outcomes/feed.xml", "application/rss+xml; charset=utf-8"],
  ["/outcomes/atom.xml", "application/atom+xml; charset=utf-8"],
  ["/outcomes/feed.json", "application/feed+json; charset=utf-8"],
  ["/tags/ukraine/feed.xml", "application/rss+xml; charset=utf-8"],
  ["/tags/ukraine/atom.xml", "application/atom+xml; charset=utf-8"],
  ["/tags/ukraine/feed.json", "application/feed+json; charset=utf-8"],
] as const;

/** The problems of the feed at `path` (its format from its file name), served from `url`. */
export const feedProblems = (path: string, body: string, url: string) =>
  path.endsWith(".json")
    ? jsonFeedProblems(body, url)
    : path.endsWith("atom.xml")
      ? atomProblems(body, url)
      : rssProblems(body, url);
