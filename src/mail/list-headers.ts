// Headers that make a mail "list mail" to inbox providers: RFC 2369 List-Unsubscribe, RFC 8058
// one-click (Gmail's and Yahoo's unsubscribe button) and RFC 2919 List-Id.
import type { Site } from "../content/schema.ts";

export function listId(site: Site, base: string): string {
  const host = new URL(base).hostname;
  // RFC 2919: a phrase and a dot-atom id under a domain the sender controls.
  return `"${site.title.replace(/["\\]/g, "")} briefings" <briefings.${host}>`;
}

/** The headers for one list, as a function of each recipient's unsubscribe URL (a digest sends thousands). */
export function listHeadersFor(site: Site, base: string): (unsubscribeUrl: string) => Record<string, string> {
  const id = listId(site, base);
  return (unsubscribeUrl) => ({
    "List-Unsubscribe": `<${unsubscribeUrl}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "List-Id": id,
  });
}

export function listHeaders(site: Site, base: string, unsubscribeUrl: string): Record<string, string> {
  return listHeadersFor(site, base)(unsubscribeUrl);
}
