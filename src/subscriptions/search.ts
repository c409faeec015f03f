// Finding readers in a list of a million: by the start of an address or of a domain, filtered by
// status, cadence and topic, a page at a time.
//
// How it stays fast. Every page is read in the order of an index, so neither a search nor a page deep
// into the list sorts or skips rows:
// - `ann`, `ann.lee@exa`: addresses starting so — a range on the unique index on email_normalized.
// - `@example`, `@example.org`: domains starting so — a range on subscribers_by_domain (0011), in
//   address order within each domain.
// - no query: newest first by id, or within one status by subscribers_by_status_id (0011).
// A prefix rather than any substring: an FTS5 trigram table would find `lee` inside `ann.lee@…`, but
// it is a second copy of every address (several times its size in trigrams), another write on every
// sign-up, and `wrangler d1 export` leaves virtual tables out of a backup.
// The other filters (cadence, topic, and status along with a query) are checked on the rows the index
// yields, at most WINDOW of them per page: a filter that matches few readers returns a short (even
// empty) page with a `next` cursor instead of reading the whole list. Cursors are subscriber ids, so
// no address is ever put in a URL.
import * as z from "zod/mini";
import { CADENCE_REASON, CADENCES } from "../cadences.ts";

export const STATUSES = ["pending", "confirmed", "unsubscribed", "bounced", "complained"] as const;

/** Rows of the index examined per page at most, whatever the filters. */
export const WINDOW = 1000;
export const MAX_LIMIT = 100;

/** The console's query string (`q`, `status`, `cadence`, `topic`, `after`, `limit`), checked field by field. */
export const SearchParams = z.object({
  q: z.optional(
    z.string().check(
      z.maxLength(254, "is too long (at most 254 characters)"),
      z.refine((q) => !/[\p{Cc}]/u.test(q), {
        message: "must not contain control characters",
      }),
    ),
  ),
  status: z.optional(z.enum(STATUSES, { error: `must be one of ${STATUSES.join(", ")}` })),
  cadence: z.optional(z.enum(CADENCES, { error: CADENCE_REASON })),
  topic: z.optional(z.string().check(z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a topic slug"))),
  after: z.optional(
    z.pipe(
      z.string().check(z.regex(/^[1-9][0-9]{0,15}$/, "must be a subscriber id")),
      z.transform((v) => Number(v)),
    ),
  ),
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^(?:[1-9][0-9]?|100)$/, `must be a number from 1 to ${MAX_LIMIT}`)),
      z.transform((v) => Number(v)),
    ),
  ),
});

export interface SearchInput {
  /** The start of an address, or `@` and the start of a domain. */
  query?: string;
  status?: (typeof STATUSES)[number];
  cadence?: (typeof CADENCES)[number];
  /** Readers who get this topic: who chose it, and who chose none (they get every topic). */
  topic?: string;
  /** The `next` of the previous page: a subscriber id. */
  after?: number;
  limit?: number;
}

export interface SearchRow {
  id: number;
  /** Null for an erased reader (only a hash of the address is kept). */
  email: string | null;
  status: string;
  cadence: string;
  topics: string[];
  created_at: string;
  confirmed_at: string | null;
}

export interface SearchPage {
  rows: SearchRow[];
  /** Pass as `after` for the next page; null at the end of the list. */
  next: number | null;
  /** The order of the pages: addresses, domains, or newest first. */
  order: "address" | "domain" | "newest";
}

// After the last index entry any string can hold: a prefix's upper bound in byte (BINARY) order.
const TOP = "\u{10FFFF}";

const DOMAIN = "substr(email_normalized, instr(email_normalized, '@') + 1)";

// Where a page starts without a cursor (the range's start), and where it starts when the cursor's row
// is gone (a pending sign-up expired since the last page): past the range's end, so the list ends
// there rather than starting over.
const START = "CASE WHEN ?3 IS NULL THEN '' ELSE ?2 END";

interface Plan {
  order: SearchPage["order"];
  /** Conditions that select the index range from the cursor on (uses ?1 lo, ?2 hi, ?3 after). */
  range: string;
  orderBy: string;
  /** Keeps the rows up to the window's last one (the CTE w: its key k1, k2), or all when w is empty. */
  upTo: string;
  keyColumns: string;
}

function plan(input: SearchInput): { plan: Plan; lo: string | null; hi: string | null } {
  const query = (input.query ?? "").normalize("NFC").trim().toLowerCase();
  if (query.startsWith("@")) {
    const lo = query.slice(1);
    return {
      lo,
      hi: lo + TOP,
      plan: {
        order: "domain",
        range: `${DOMAIN} >= ?1 AND ${DOMAIN} < ?2
          AND (${DOMAIN}, email_normalized) > (
            COALESCE((SELECT ${DOMAIN} FROM subscribers WHERE id = ?3), ${START}),
            COALESCE((SELECT email_normalized FROM subscribers WHERE id = ?3), ''))`,
        orderBy: `${DOMAIN}, email_normalized`,
        upTo: `(${DOMAIN}, email_normalized) <= (COALESCE((SELECT k1 FROM w), ?2), COALESCE((SELECT k2 FROM w), ''))`,
        keyColumns: `${DOMAIN} AS k1, email_normalized AS k2`,
      },
    };
  }
  if (query) {
    return {
      lo: query,
      hi: query + TOP,
      plan: {
        order: "address",
        range: `email_normalized >= ?1 AND email_normalized < ?2
          AND email_normalized > COALESCE((SELECT email_normalized FROM subscribers WHERE id = ?3), ${START})`,
        orderBy: "email_normalized",
        upTo: "email_normalized <= COALESCE((SELECT k1 FROM w), ?2)",
        keyColumns: "email_normalized AS k1, NULL AS k2",
      },
    };
  }
  // Newest first; with a status, within that status (?1), on subscribers_by_status_id.
  return {
    lo: input.status ?? null,
    hi: null,
    plan: {
      order: "newest",
      range: `${input.status ? "status = ?1" : "?1 IS NULL"} AND ?2 IS NULL AND id < COALESCE(?3, 9223372036854775807)`,
      orderBy: "id DESC",
      upTo: "id >= COALESCE((SELECT k1 FROM w), 0)",
      keyColumns: "id AS k1, NULL AS k2",
    },
  };
}

export async function searchSubscribers(db: D1Database, input: SearchInput): Promise<SearchPage> {
  const limit = Math.min(Math.max(1, Math.trunc(input.limit ?? 50)), MAX_LIMIT);
  const { plan: p, lo, hi } = plan(input);
  // The window: the WINDOW-th row of the index range from the cursor on (none when fewer remain).
  const windowEnd = `SELECT id, ${p.keyColumns} FROM subscribers WHERE ${p.range} ORDER BY ${p.orderBy} LIMIT 1 OFFSET ${WINDOW - 1}`;
  // Filters are written so every statement takes the same parameters (?4 status, ?5 cadence, ?6 topic).
  const filters = `(?4 IS NULL OR status = ?4) AND (?5 IS NULL OR cadence = ?5)
    AND (?6 IS NULL OR topics = '[]' OR EXISTS (SELECT 1 FROM json_each(subscribers.topics) AS t WHERE t.value = ?6))`;
  const page = `WITH w AS (${windowEnd})
    SELECT id, CASE WHEN erased_at IS NULL THEN email END AS email, status, cadence, topics, created_at, confirmed_at
    FROM subscribers
    WHERE ${p.range} AND ${p.upTo} AND ${filters}
    ORDER BY ${p.orderBy} LIMIT ${limit + 1}`;
  const params = [
    lo,
    hi,
    input.after ?? null,
    p.order === "newest" ? null : (input.status ?? null),
    input.cadence ?? null,
    input.topic ?? null,
  ];
  const [end, rows] = await db.batch([
    db.prepare(windowEnd).bind(...params.slice(0, 3)),
    db.prepare(page).bind(...params),
  ]);
  // One row more than the page: whether another page follows, without an empty last page.
  const fetched = (rows?.results ?? []) as (Omit<SearchRow, "topics"> & { topics: string })[];
  const results = fetched.slice(0, limit).map((r) => ({
    ...r,
    topics: JSON.parse(r.topics) as string[],
  }));
  const windowLast = (end?.results[0] as { id: number } | undefined)?.id ?? null;
  const next = fetched.length > limit ? (results[limit - 1]?.id ?? null) : windowLast;
  return { rows: results, next, order: p.order };
}

export interface FieldError {
  field: string;
  reason: string;
}

export type SearchQuery = { ok: true; input: SearchInput } | { ok: false; errors: FieldError[] };

/**
 * A query string (`q`, `status`, `cadence`, `topic`, `after`, `limit`) → a search, or the fields that are
 * wrong and why. An empty field means "any" (a form's blank choice); `knownTopics`, when given, are the
 * only topics accepted.
 */
export function searchQueryFrom(query: Record<string, string>, knownTopics?: readonly string[]): SearchQuery {
  const given = Object.fromEntries(Object.entries(query).filter(([, v]) => v.trim() !== ""));
  const parsed = SearchParams.safeParse(given);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ field: i.path.map(String).join(".") || "query", reason: i.message })),
    };
  }
  const { q, topic, ...rest } = parsed.data;
  if (topic && knownTopics && !knownTopics.includes(topic)) {
    return { ok: false, errors: [{ field: "topic", reason: "is not a topic of any briefing" }] };
  }
  return { ok: true, input: { ...rest, ...(q?.trim() ? { query: q } : {}), ...(topic ? { topic } : {}) } };
}
