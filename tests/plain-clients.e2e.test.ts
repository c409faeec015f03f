// Plain command-line clients against the real Worker under `wrangler dev`: curl without --compressed
// (sends no Accept-Encoding), Python's urllib and wget (send "identity") must read every feed and page as
// plain text; curl --compressed asks for gzip and still gets it. The runtime rewrites Accept-Encoding
// on the way in, so only a test through its HTTP layer shows what these clients really receive.
import { execFileSync, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalWorker, startLocalWorker } from "./support/local-worker.ts";

const SLUG = "nato-defence-ministers-october-2024";

/** Every public document a reader's program fetches, with the start its body must have as plain text. */
const DOCUMENTS: [path: string, start: RegExp][] = [
  ["/feed.xml", /^<\?xml /],
  ["/atom.xml", /^<\?xml /],
  ["/feed.json", /^\{\n {2}"version": "https:\/\/jsonfeed.org\/version\/1.1"/],
  ["/outcomes/feed.xml", /^<\?xml /],
  ["/outcomes/atom.xml", /^<\?xml /],
  ["/outcomes/feed.json", /^\{/],
  ["/tags/ukraine/feed.xml", /^<\?xml /],
  ["/tags/ukraine/atom.xml", /^<\?xml /],
  ["/tags/ukraine/feed.json", /^\{/],
  ["/", /^<!doctype html>/],
  [`/briefings/${SLUG}`, /^<!doctype html>/],
  ["/tags/ukraine", /^<!doctype html>/],
  ["/digests", /^<!doctype html>/],
  ["/sitemap.xml", /^<\?xml /],
  ["/robots.txt", /^User-agent: \*/],
  ["/about/json-feed-extension", /^<!doctype html>/],
  ["/about/json-feed-extension.schema.json", /^\{/],
  ["/no-such-page", /^<!doctype html>/],
];

interface Fetched {
  headers: string;
  body: string;
}

/** Splits "headers\r\n\r\nbody" as curl -i prints it (the last header block, after any 1xx). */
function splitResponse(raw: Buffer): Fetched {
  const text = raw.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  return { headers: text.slice(0, end), body: raw.subarray(end + 4).toString("utf8") };
}

const clients: Record<string, (url: string) => Fetched> = {
  curl: (url) => splitResponse(execFileSync("curl", ["-sS", "-i", url])),
  urllib: (url) => {
    // Python's urllib as a script would use it; prints the headers, a blank line, then the raw body.
    const script = `
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen(sys.argv[1])
except urllib.error.HTTPError as e:
    r = e
head = "\\r\\n".join(f"{k}: {v}" for k, v in r.headers.items())
sys.stdout.buffer.write(head.encode("latin-1") + b"\\r\\n\\r\\n" + r.read())`;
    return splitResponse(execFileSync("/usr/bin/python3", ["-c", script, url]));
  },
  wget: (url) => {
    // -S prints the server's headers on stderr; --content-on-error keeps the 404 page's body.
    const run = spawnSync("wget", ["-q", "-S", "--content-on-error", "-O", "-", url]);
    return { headers: run.stderr.toString("latin1"), body: run.stdout.toString("utf8") };
  },
};

let worker: LocalWorker;
beforeAll(async () => {
  worker = await startLocalWorker();
}, 90_000);
afterAll(async () => {
  await worker?.stop();
});

describe.each(Object.keys(clients))("%s", (client) => {
  it("reads every feed and page as plain text, byte for byte what a gzip reader decodes", async () => {
    for (const [path, start] of DOCUMENTS) {
      const url = `${worker.url}${path}`;
      const got = clients[client]!(url);
      expect(got.headers, `${client} ${path}`).toMatch(/content-type:/i);
      expect(got.headers, `${client} ${path}`).not.toMatch(/content-encoding:\s*gzip/i);
      expect(got.body, `${client} ${path}`).toMatch(start);
      // Node's fetch asks for gzip and decodes it: the same document either way.
      const decoded = await (await fetch(url)).text();
      expect(got.body, `${client} ${path}`).toBe(decoded);
    }
  }, 120_000);
});

it("still sends gzip to a client that asks for it (curl --compressed)", () => {
  for (const path of ["/feed.xml", "/feed.json", "/"]) {
    const got = splitResponse(execFileSync("curl", ["-sS", "-i", "--compressed", `${worker.url}${path}`]));
    expect(got.headers, path).toMatch(/content-encoding:\s*gzip/i);
    expect(got.body, path).toMatch(/^(<\?xml |\{|<!doctype html>)/);
  }
});
