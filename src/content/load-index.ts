// The Worker's way to the briefings: the index of recent briefings, a static asset written by the
// build (src/content/briefing-index.ts), read through the ASSETS binding once per isolate.
import { INDEX_PATH, type IndexDocument } from "./briefing-index.ts";
import type { BriefingIndex } from "./schema.ts";

let loading: Promise<IndexDocument> | undefined;

/** The index of recent briefings (newest first). Immutable per deploy, so one load per isolate. */
export function loadBriefingIndex(env: { ASSETS: Fetcher }): Promise<BriefingIndex> {
  if (!loading) {
    // The host is not used: the binding serves this Worker's own assets by path.
    loading = env.ASSETS.fetch(`https://assets.local${INDEX_PATH}`).then(async (res) => {
      if (!res.ok) throw new Error(`briefing index: ${INDEX_PATH} answered ${res.status}; was the content built?`);
      return (await res.json()) as IndexDocument;
    });
    loading.catch(() => {
      loading = undefined; // try again on the next call
    });
  }
  return loading;
}
