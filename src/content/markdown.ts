// Markdown body → HTML that is safe to put in a page, a feed or a mail.
// Raw HTML in the Markdown is shown as text (never interpreted), and only http(s), mailto and
// site-relative link targets survive, so no <script>, event handler or javascript: URL can reach a reader.
import { Marked, type Tokens } from "marked";
import { escapeHtml } from "../text/escape.ts";

const SITE = "https://site.invalid";

/**
 * Resolves a link target against the briefing's page and judges the result, not the spelling:
 * a target that stays on the site becomes root-relative ("/briefings/x"), which the renderers make
 * absolute with the base URL they serve under; one that leaves it — written absolute, scheme-relative
 * ("//host"), or spelled so it only resolves off-site ("..//host", "/\host") — must end up as an
 * absolute http(s) URL and is written out as one. Anything else (other schemes, unparseable) → null.
 */
export function safeHref(href: string, pagePath: string): string | null {
  const trimmed = href.trim();
  if (trimmed === "") return null;
  if (trimmed.startsWith("#")) return `${pagePath}${trimmed}`;
  let resolved: URL;
  try {
    resolved = new URL(trimmed, `${SITE}${pagePath}`);
  } catch {
    return null;
  }
  if (resolved.protocol === "mailto:") return resolved.href;
  if (resolved.protocol !== "https:" && resolved.protocol !== "http:") return null;
  if (resolved.origin !== SITE) return resolved.href;
  const path = resolved.pathname + resolved.search + resolved.hash;
  // A path that itself starts with "//" would read as another host once written into a page.
  const again = new URL(path, SITE);
  return again.origin === SITE ? path : again.href;
}

export function renderMarkdown(markdown: string, pagePath: string): string {
  const marked = new Marked({ gfm: true, async: false });
  marked.use({
    renderer: {
      html({ text }: Tokens.HTML | Tokens.Tag) {
        return escapeHtml(text);
      },
      link({ href, title, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        const target = safeHref(href, pagePath);
        if (!target) return inner;
        const t = title ? ` title="${escapeHtml(title)}"` : "";
        return `<a href="${escapeHtml(target)}"${t}>${inner}</a>`;
      },
      image({ href, title, text }: Tokens.Image) {
        const target = safeHref(href, pagePath);
        if (!target || target.startsWith("mailto:")) return escapeHtml(text);
        const t = title ? ` title="${escapeHtml(title)}"` : "";
        return `<img src="${escapeHtml(target)}" alt="${escapeHtml(text)}"${t}>`;
      },
    },
  });
  return (marked.parse(markdown) as string).trim();
}
