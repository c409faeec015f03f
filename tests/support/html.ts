// Reads pages with workerd's own streaming HTML parser (HTMLRewriter), as a browser would see the tags.

export interface FoundElement {
  tag: string;
  attrs: Record<string, string>;
  text: string;
}

/** Every element matching `selector`, with its attributes and text content. */
export async function select(html: string, selector: string): Promise<FoundElement[]> {
  const found: FoundElement[] = [];
  const rewriter = new HTMLRewriter().on(selector, {
    element(el) {
      const item: FoundElement = { tag: el.tagName, attrs: Object.fromEntries(el.attributes), text: "" };
      found.push(item);
    },
    text(chunk) {
      const last = found[found.length - 1];
      if (last) last.text += chunk.text;
    },
  });
  await rewriter.transform(new Response(html)).text();
  return found.map((f) => ({ ...f, text: decodeEntities(f.text.trim()) }));
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}
