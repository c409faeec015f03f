// Each feed entry's serialisation, written once per format. A briefing's entry is in its own feed and
// in each of its tags' feeds, and the build renders every page of every feed: without this, the same
// entry's content would be escaped and serialised again for each feed it is in.
import type { FeedDocument, FeedEntry } from "./document.ts";

/**
 * Wraps an entry serialiser. `docKey` names what the serialiser reads from the feed document (the
 * author, the base URL…): an entry is serialised again only if that differs.
 */
export function oncePerEntry(
  serialise: (entry: FeedEntry, doc: FeedDocument) => string,
  docKey: (doc: FeedDocument) => string,
): (entry: FeedEntry, doc: FeedDocument) => string {
  // FeedEntry objects are kept per briefing and base (document.ts), so these live as long as they do.
  const written = new WeakMap<FeedEntry, { key: string; text: string }>();
  return (entry, doc) => {
    const key = docKey(doc);
    const hit = written.get(entry);
    if (hit?.key === key) return hit.text;
    const text = serialise(entry, doc);
    written.set(entry, { key, text });
    return text;
  };
}
