// Headers that make a mail "list mail" to inbox providers: RFC 2369 List-Unsubscribe, RFC 8058
// one-click (Gmail's and Yahoo's unsubscribe button) and RFC 2919 List-Id.
import type { Site } from "../content/schema.ts";

export function listId(site: Site, base: string): string {
  const host = new URL(base).hostname;
  // RFC 2919: a phrase and a dot-atom id under a domain the sender controls.
  return `"${site.title.replace(/["\\]/g, "")} briefings" <briefings.${host}>`;
}

/** The headers for one reader of the list `id` (a digest chunk keeps the List-Id of its first attempt). */
export function listHeadersWithId(id: string, unsubscribeUrl: string): Record<string, string> {
  return {
    "List-Unsubscribe": `<${unsubscribeUrl}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "List-Id": id,
  };
}

export function listHeaders(site: Site, base: string, unsubscribeUrl: string): Record<string, string> {
  return listHeadersWithId(listId(site, base), unsubscribeUrl);
}
