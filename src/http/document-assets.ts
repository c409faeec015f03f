// The feeds and calendars, served by the Worker from the static documents the build wrote (the Worker
// runs first for their paths: `run_worker_first` in wrangler.toml). The asset layer alone would send
// no Last-Modified, ignore If-Modified-Since and `?page=N`, and leave Atom, JSON Feed and calendars
// uncompressed (the edge's list of compressible types lacks them). Also every document a scheduled
// briefing changes (home, tag pages, sitemap…): the build leaves those out of the asset root, so the
// Worker serves the version in force (src/documents/schedule.ts) the same way.
//
// Each document is read from the asset layer once per isolate and kept gzip-compressed with its
// validators and every header it is sent with, ready made: assets never change within a deploy and
// an isolate belongs to one deploy, so the asset's path is a safe key. A request that finds its document does
// no asset fetch, no compression and copies no headers from the asset; gzip is the bytes as kept, with
// `encodeBody: "manual"` so the runtime sends them as they are (and does not compress them again).
import { type HeaderRule, headersFor } from "../documents/headers.ts";
import { assetPathAt, type CompiledSchedule } from "../documents/schedule.ts";
import { LAST_MODIFIED_PATH, seriesOf } from "../feeds/series.ts";
import { notModified } from "./conditional.ts";
import { acceptsGzip, clientAcceptEncoding } from "./encoding.ts";
import { loadSchedule } from "./scheduled-assets.ts";

type HeaderList = [string, string][];

/** One encoding of a document: its ETag and the headers of its 200 and 304 answers. */
interface Representation {
  etag: string;
  ok: HeaderList;
  notModified: HeaderList;
}

interface Document {
  gzip: Uint8Array;
  /**
   * The plain bytes, kept once a client that does not take gzip asks (few do) and if small: larger
   * documents (a calendar of thousands of events) are streamed from the asset layer each time.
   */
  identity: Uint8Array | undefined;
  /** Length of the plain bytes. */
  size: number;
  lastModified: string | undefined;
  gzipped: Representation;
  plain: Representation;
}

/** Plain bytes up to this size are kept beside the gzip form. */
const KEEP_IDENTITY_BYTES = 1 << 20;
/** Bytes kept in all (the isolate has 128 MB): a crawler walking every page evicts the oldest first. */
const MAX_BYTES = 24 << 20;

const documents = new Map<string, Document>();
const loading = new Map<string, Promise<Document | null>>();
let keptBytes = 0;
/** Per asset path of the dates file: each scheduled version has its own. */
const datesLoading = new Map<string, Promise<Record<string, string>>>();

/** The build's Last-Modified of each feed and calendar series (src/documents/last-modified.ts). */
function lastModifiedDates(assets: Fetcher, origin: string, at: string | null): Promise<Record<string, string>> {
  if (at === null) return Promise.resolve({});
  let dates = datesLoading.get(at);
  if (!dates) {
    dates = assets
      .fetch(new Request(origin + at))
      .then(async (res) => (res.ok ? ((await res.json()) as Record<string, string>) : {}))
      .catch((e: unknown) => {
        datesLoading.delete(at); // asked again by the next request
        throw e;
      });
    datesLoading.set(at, dates);
  }
  return dates;
}

/** Where a public path's document is now, and what the Worker needs to serve it from there. */
interface Located {
  /** The public path (the key of its feed series and `_headers` rules). */
  path: string;
  /** Where the asset layer has it: the path itself, or a scheduled version's copy. */
  assetPath: string;
  /** Asset path of the dates file in force. */
  datesPath: string | null;
  /** For a scheduled version's copy: the rules that give it the headers it has at its public path. */
  rules: HeaderRule[] | undefined;
}

function locate(schedule: CompiledSchedule, path: string, now: number): Located | null {
  const assetPath = assetPathAt(schedule, path, now);
  if (assetPath === null) return null;
  return {
    path,
    assetPath,
    datesPath: assetPathAt(schedule, LAST_MODIFIED_PATH, now),
    rules: assetPath === path ? undefined : schedule.rules,
  };
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  // CompressionStream is zlib at its default level (6): for these documents level 9 saves under 1 %
  // of the bytes for a quarter more CPU.
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function representation(base: HeaderList, etag: string, lastModified: string | undefined, gzipped: boolean) {
  const validators: HeaderList = [
    ["ETag", etag],
    ["Vary", "Accept-Encoding"],
  ];
  if (lastModified) validators.push(["Last-Modified", lastModified]);
  const notModifiedHeaders = [...base, ...validators];
  return {
    etag,
    ok: gzipped ? [...notModifiedHeaders, ["Content-Encoding", "gzip"]] : notModifiedHeaders,
    notModified: notModifiedHeaders,
  } satisfies Representation;
}

const sizeOf = (doc: Document) => doc.gzip.length + (doc.identity?.length ?? 0);

/** Counts `bytes` more, and drops the oldest documents (Map keeps insertion order) beyond MAX_BYTES. */
function count(bytes: number) {
  keptBytes += bytes;
  for (const [path, old] of documents) {
    if (keptBytes <= MAX_BYTES) break;
    documents.delete(path);
    keptBytes -= sizeOf(old);
  }
}

async function load(assets: Fetcher, origin: string, at: Located, wantIdentity: boolean): Promise<Document | null> {
  const { path } = at;
  const [asset, dates] = await Promise.all([
    assets.fetch(new Request(origin + at.assetPath)),
    lastModifiedDates(assets, origin, at.datesPath),
  ]);
  const etag = asset.headers.get("ETag");
  if (asset.status !== 200 || !etag) {
    await asset.body?.cancel();
    return null;
  }
  const bytes = new Uint8Array(await asset.arrayBuffer());
  // The document's own headers (`_headers`: media type, caching, CORS, Link, security headers), not
  // those of this fetch (length, encoding, validators: set per encoding below; the asset cache's status).
  // A scheduled version's copy lies under another path, which the `_headers` rules do not describe:
  // it gets the headers the rules give its public path.
  const base: HeaderList = at.rules
    ? Object.entries(headersFor(at.rules, path))
    : [...asset.headers].filter(
        ([name]) => !/^(etag|content-length|content-encoding|vary|last-modified|cf-cache-status)$/i.test(name),
      );
  const lastModified = dates[seriesOf(path)];
  const doc: Document = {
    gzip: await gzip(bytes),
    identity: wantIdentity && bytes.length <= KEEP_IDENTITY_BYTES ? bytes : undefined,
    size: bytes.length,
    lastModified,
    // Weak, as the edge makes it when it compresses: the same document, another encoding.
    gzipped: representation(base, etag.startsWith("W/") ? etag : `W/${etag}`, lastModified, true),
    plain: representation(base, etag, lastModified, false),
  };
  count(sizeOf(doc));
  documents.set(at.assetPath, doc);
  return doc;
}

async function documentAt(assets: Fetcher, url: string, at: Located, wantIdentity: boolean) {
  const key = at.assetPath;
  const kept = documents.get(key);
  if (kept) return kept;
  let pending = loading.get(key);
  if (!pending) {
    // One load per document however many requests arrive while it runs.
    pending = load(assets, new URL(url).origin, at, wantIdentity).finally(() => loading.delete(key));
    loading.set(key, pending);
  }
  return pending;
}

/**
 * A document (a feed, a calendar, a page a scheduled briefing changes) from the static documents as
 * they are at `now`, gzipped for clients that ask, with ETag (per encoding), Last-Modified and 304 for
 * If-None-Match / If-Modified-Since; null when there is none (or not yet).
 */
export async function serveDocument(
  request: Request,
  assets: Fetcher,
  path: string,
  now = Date.now(),
  schedule?: CompiledSchedule,
): Promise<Response | null> {
  const at = locate(schedule ?? (await loadSchedule(assets)), path, now);
  if (!at) return null;
  const gzipped = acceptsGzip(clientAcceptEncoding(request));
  const doc = await documentAt(assets, request.url, at, !gzipped);
  if (!doc) return null;
  const form = gzipped ? doc.gzipped : doc.plain;
  const headers = request.headers;
  if (
    notModified(headers.get("If-None-Match"), headers.get("If-Modified-Since"), {
      etag: form.etag,
      lastModified: doc.lastModified,
    })
  )
    return new Response(null, { status: 304, headers: form.notModified });
  if (request.method === "HEAD") return new Response(null, { status: 200, headers: form.ok });
  // "manual": the bytes are already compressed; the runtime must send them as they are.
  if (gzipped) return new Response(doc.gzip, { status: 200, headers: form.ok, encodeBody: "manual" });
  if (doc.identity) return new Response(doc.identity, { status: 200, headers: form.ok });
  const asset = await assets.fetch(new Request(new URL(at.assetPath, request.url)));
  if (asset.status !== 200) return null;
  const identity = asset.body && (await plainBytes(asset, at.assetPath, doc));
  return new Response(identity ?? asset.body, { status: 200, headers: form.ok });
}

/** Keeps the plain bytes of a small document for the next client that does not take gzip. */
async function plainBytes(asset: Response, path: string, doc: Document): Promise<Uint8Array | undefined> {
  if (doc.size > KEEP_IDENTITY_BYTES || documents.get(path) !== doc) return undefined;
  const bytes = new Uint8Array(await asset.arrayBuffer());
  if (documents.get(path) !== doc) return bytes;
  doc.identity = bytes;
  documents.delete(path); // counted, then put back as the newest: it may not evict itself
  count(bytes.length);
  documents.set(path, doc);
  return bytes;
}
