// Reads a sitemap as a search engine does (sitemaps.org protocol 0.9): well-formed XML in the
// protocol's namespace, either a <urlset> of pages or a <sitemapindex> of sitemap files, each entry an
// absolute URL with a W3C datetime <lastmod>. Throws on anything a crawler would reject.
import { XMLParser, XMLValidator } from "fast-xml-parser";

export const SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9";
const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  isArray: (name) => name === "url" || name === "sitemap",
  parseTagValue: false,
});

export interface SitemapEntry {
  loc: string;
  lastmod: string;
}

export type ParsedSitemap =
  | { kind: "urlset"; urls: SitemapEntry[] }
  | { kind: "sitemapindex"; sitemaps: SitemapEntry[] };

export function readSitemap(xml: string): ParsedSitemap {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const doc = parser.parse(xml) as Record<string, Record<string, unknown> | undefined>;
  const roots = Object.keys(doc).filter((k) => k !== "?xml");
  if (roots.length !== 1) throw new Error(`one root element expected, got ${roots.join(", ")}`);
  const kind = roots[0] as string;
  if (kind !== "urlset" && kind !== "sitemapindex") throw new Error(`unexpected root <${kind}>`);
  const root = doc[kind] ?? {};
  if (root["@xmlns"] !== SITEMAP_NS) throw new Error(`<${kind}> is not in the sitemap namespace`);
  const child = kind === "urlset" ? "url" : "sitemap";
  const entries = ((root[child] as Record<string, unknown>[] | undefined) ?? []).map((e) => {
    const { loc, lastmod } = e as { loc?: unknown; lastmod?: unknown };
    if (typeof loc !== "string" || !/^https?:\/\//.test(loc)) throw new Error(`<${child}> without an absolute <loc>`);
    if (typeof lastmod !== "string" || !W3C_DATETIME.test(lastmod)) throw new Error(`${loc}: bad <lastmod> ${lastmod}`);
    return { loc, lastmod };
  });
  return kind === "urlset" ? { kind, urls: entries } : { kind, sitemaps: entries };
}
