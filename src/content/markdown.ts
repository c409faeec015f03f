// Markdown body → HTML that is safe to put in a page, a feed or a mail.
// Raw HTML in the Markdown is shown as text (never interpreted), and only http(s), mailto and
// site-relative link targets survive, so no <script>, event handler or javascript: URL can reach a reader.
import { Marked, type Tokens } from "marked";
import { escapeHtml } from "../text/escape.ts";

const SAFE_SCHEME = /^(https?:|mailto:)/i;

/**
 * Resolves a link target against the briefing's page. Relative targets become root-relative
 * ("/briefings/x"), which the renderers make absolute with the base URL they serve under.
 * Returns null for anything unsafe or unparseable.
 */
export function safeHref(href: string, pagePath: string): string | null {
  const trimmed = href.trim();
  if (trimmed === "") return null;
  if (trimmed.startsWith("#")) return `${pagePath}${trimmed}`;
  if (SAFE_SCHEME.test(trimmed)) {
    try {
      return new URL(trimmed).href;
    } catch {
      return null;
    }
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) || trimmed.startsWith("//")) return null;
  try {
    const resolved = new URL(trimmed, `https://site.invalid${pagePath}`);
    return resolved.pathname + resolved.search + resolved.hash;
  } catch {
    return null;
  }
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
