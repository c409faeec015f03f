// React Email component → the HTML and plain-text parts of a mail.
import { render } from "@react-email/render";
import type { ReactElement } from "react";

export interface RenderedMail {
  html: string;
  text: string;
}

// html-to-text writes headings in capitals by default; in a mail's text part that reads as shouting
// and loses the writer's case ("NATO-Ukraine Council" and "Key outcomes" alike).
const TEXT_OPTIONS = {
  selectors: ["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({ selector, options: { uppercase: false } })),
};

/**
 * html-to-text indents the lines of list items, and leaves that indent on the blank lines between
 * paragraphs: lines that look empty but are not. Trailing spaces go, and blank runs become one line.
 */
export function tidyPlainText(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export async function renderMail(element: ReactElement): Promise<RenderedMail> {
  const [html, text] = await Promise.all([
    render(element),
    render(element, { plainText: true, htmlToTextOptions: TEXT_OPTIONS }),
  ]);
  return { html, text: tidyPlainText(text) };
}
