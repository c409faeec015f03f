// The context of the document routes (feeds, pages, the briefing index): the whole content model.
// These routes run at build time only (scripts/build-content.ts); the Worker never carries the archive.
import type { Content } from "../content/schema.ts";
import type { Bindings } from "../env.ts";
import type { RenderCache } from "../http/render-cache.ts";
import type { SitemapLimits } from "../web/crawlers.ts";

export interface DocumentVariables {
  content: Content;
  /** Absolute base URL for links, without a trailing slash: the origin the documents are built for. */
  base: string;
  renders: RenderCache;
  /** WebSub hub the feeds advertise, if any. */
  hub?: string;
  /** The most one sitemap file holds; the protocol's limits unless a test sets smaller ones. */
  sitemapLimits?: SitemapLimits;
}

export type DocumentEnv = { Bindings: Bindings; Variables: DocumentVariables };
