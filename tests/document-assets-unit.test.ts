// The Worker's copy of the feeds and calendars (src/http/document-assets.ts): each document is read
// from the asset layer once per isolate, however many requests arrive while it loads, and a request
// that finds it fetches nothing — in either encoding, for GET, HEAD and 304.
import { describe, expect, it } from "vitest";
import { serveDocument } from "../src/http/document-assets.ts";

const ORIGIN = "https://unit.example";
const BODY = `<?xml version="1.0"?><rss>${"<item>entry</item>".repeat(2000)}</rss>`;

/** An asset layer with one document at `path`, counting what is asked of it. */
function assetLayer(path: string) {
  const asked: string[] = [];
  const fetcher = {
    fetch: async (input: RequestInfo | URL) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      asked.push(url.pathname);
      if (url.pathname !== path) return new Response("not found", { status: 404 });
      return new Response(BODY, {
        headers: { ETag: '"abc123"', "Content-Type": "application/rss+xml; charset=utf-8", "Cache-Control": "x" },
      });
    },
  } as unknown as Fetcher;
  return { fetcher, documentFetches: () => asked.filter((p) => p === path).length };
}

const request = (path: string, headers: Record<string, string> = {}, method = "GET") =>
  new Request(`${ORIGIN}${path}`, { method, headers });
const gzip = { "Accept-Encoding": "gzip" };

async function gunzip(res: Response): Promise<string> {
  return new Response(res.body?.pipeThrough(new DecompressionStream("gzip"))).text();
}

describe("feeds served from the static assets", () => {
  it("reads a document once for many requests at the same time, then never again", async () => {
    const path = "/once/feed.xml";
    const assets = assetLayer(path);
    const first = await Promise.all(
      Array.from({ length: 8 }, () => serveDocument(request(path, gzip), assets.fetcher, path)),
    );
    expect(assets.documentFetches()).toBe(1);
    for (const res of first) {
      expect(res?.headers.get("Content-Encoding")).toBe("gzip");
      expect(res?.headers.get("ETag")).toBe('W/"abc123"');
      expect(res?.headers.get("Vary")).toBe("Accept-Encoding");
      expect(res?.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
    }
    expect(await gunzip(first[0] as Response)).toBe(BODY);
    for (let i = 0; i < 5; i++) await serveDocument(request(path, gzip), assets.fetcher, path);
    const head = await serveDocument(request(path, gzip, "HEAD"), assets.fetcher, path);
    expect(head?.status).toBe(200);
    expect(head?.body).toBeNull();
    const notModified = await serveDocument(
      request(path, { ...gzip, "If-None-Match": '"abc123"' }),
      assets.fetcher,
      path,
    );
    expect(notModified?.status).toBe(304);
    expect(assets.documentFetches()).toBe(1);
  });

  it("keeps the plain bytes once a client without gzip asks, with the strong ETag", async () => {
    const path = "/plain/feed.xml";
    const assets = assetLayer(path);
    await serveDocument(request(path, gzip), assets.fetcher, path);
    const plain = await serveDocument(request(path), assets.fetcher, path);
    expect(plain?.headers.get("Content-Encoding")).toBeNull();
    expect(plain?.headers.get("ETag")).toBe('"abc123"');
    expect(await plain?.text()).toBe(BODY);
    const fetched = assets.documentFetches();
    const again = await serveDocument(request(path), assets.fetcher, path);
    expect(await again?.text()).toBe(BODY);
    expect(assets.documentFetches()).toBe(fetched);
  });

  it("answers null for a path the asset layer does not have", async () => {
    const assets = assetLayer("/some/feed.xml");
    expect(await serveDocument(request("/other/feed.xml", gzip), assets.fetcher, "/other/feed.xml")).toBeNull();
  });
});
