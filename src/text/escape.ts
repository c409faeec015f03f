// Escaping for the two markup languages we write: HTML (pages, mails, feed content) and XML (feeds).

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] as string);
}

// Characters XML 1.0 cannot carry at all, even as character references (C0 controls other than
// tab/LF/CR, U+FFFE/U+FFFF, and unpaired surrogates). They are dropped: no reader could get them back.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function stripNonXmlChars(text: string): string {
  return text.replace(NOT_XML, "");
}

/**
 * Escapes text for XML element content or attribute values. `>` is escaped too, so "]]>" can never
 * appear, and quotes so the same function serves attributes.
 */
export function escapeXml(text: string): string {
  return stripNonXmlChars(text).replace(/[&<>"]/g, (ch) => HTML_ESCAPES[ch] as string);
}

/**
 * Escapes plain text for an RSS 2.0 element that readers may treat as either text or HTML (title,
 * category, dc:creator). RSS never says which, so the W3C validator asks for hexadecimal character
 * references: "&#x26;" and "&#x3C;" decode to the same literal text under both readings.
 */
export function escapeRssText(text: string): string {
  return stripNonXmlChars(text).replace(/[&<>"]/g, (ch) => `&#x${ch.charCodeAt(0).toString(16).toUpperCase()};`);
}
