// The admin CSV import, in two steps: parseImport() reads and checks every row (pure), then
// importRows() writes the valid ones in chunks. Bad rows are reported by line and never stop the rest.
import Papa from "papaparse";
import { CADENCE_REASON, type Cadence, isCadence } from "../cadences.ts";
import type { SiteInfo } from "../content/schema.ts";
import { localesOf } from "../i18n/locale.ts";
import { erasedKey, parseAddress } from "./address.ts";
import { CONSENT_TEXT_VERSION } from "./store.ts";
import { newNonce } from "./tokens.ts";

export interface ImportRow {
  line: number;
  email: string;
  normalized: string;
  /** Absent (no column, or an empty cell): an existing subscriber keeps theirs; a new one gets daily. */
  cadence?: Cadence;
  /** Absent: an existing subscriber keeps theirs; a new one gets every topic ([]). */
  topics?: string[];
  /** Absent: an existing subscriber keeps theirs; a new one gets the site's default language. */
  language?: string;
}

/** What an import checks cells against: the site's topics and languages. */
export interface ImportVocabulary {
  tags: readonly string[];
  languages: readonly string[];
}

export function vocabularyOf(info: Pick<SiteInfo, "site" | "tags">): ImportVocabulary {
  return { tags: info.tags, languages: localesOf(info.site).map((l) => l.code) };
}

export interface LineProblem {
  line: number;
  reason: string;
}

export type ParsedImport = { ok: true; rows: ImportRow[]; invalid: LineProblem[] } | { ok: false; reason: string };

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** One row → an import row, or the reason it is invalid. */
function checkRow(
  record: Record<string, string>,
  line: number,
  firstLine: Map<string, number>,
  knownTags: ReadonlySet<string>,
  languages: readonly string[],
): ImportRow | string {
  const address = parseAddress(record.email ?? "");
  if (!address.ok) return `email ${address.reason}`;
  const cadence = (record.cadence ?? "").trim().toLowerCase();
  if (cadence !== "" && !isCadence(cadence)) return `cadence ${CADENCE_REASON}`;
  const cell = (record.tags ?? "").trim();
  const topics = [
    ...new Set(
      cell
        .split(";")
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const badTopic = topics.find((t) => !SLUG.test(t));
  if (badTopic) return `tags: "${badTopic}" is not a topic slug`;
  // A topic no briefing uses would never match an edition: the subscriber would silently get nothing.
  const unknownTopic = topics.find((t) => !knownTags.has(t));
  if (unknownTopic) return `tags: "${unknownTopic}" is not a topic of this site`;
  const language = (record.language ?? "").trim();
  if (language !== "" && !languages.includes(language))
    return `language must be one of this site's languages: ${languages.join(", ")}`;
  const seen = firstLine.get(address.normalized);
  if (seen) return `duplicate of line ${seen}`;
  firstLine.set(address.normalized, line);
  return {
    line,
    email: address.email,
    normalized: address.normalized,
    ...(isCadence(cadence) ? { cadence } : {}),
    ...(cell ? { topics: topics.sort() } : {}),
    ...(language ? { language } : {}),
  };
}

const COLUMNS = ["email", "cadence", "tags", "language"];

/** The header's column names as an import reads them. */
export const headerFields = (fields: readonly string[]) => fields.map((h) => h.trim().toLowerCase());

/** Why a header cannot be imported, or null when it can. */
export function headerProblem(fields: readonly string[]): string | null {
  if (!fields.includes("email")) return "the first line must be the header email,cadence,tags,language";
  const unknownColumns = fields.filter((f) => !COLUMNS.includes(f));
  return unknownColumns.length ? `unknown column(s): ${unknownColumns.join(", ")}` : null;
}

/** A parsed record with the file line it came from, or the parser's complaint about that line. */
export interface NumberedRecord {
  line: number;
  record: Record<string, string>;
  broken?: string;
}

/**
 * Checks records in file order. `firstLine` holds the first line of each address seen so far (this
 * call adds to it), so a later line with the same address is reported as its duplicate.
 */
export function checkRecords(
  records: Iterable<NumberedRecord>,
  firstLine: Map<string, number>,
  known: ImportVocabulary,
): { rows: ImportRow[]; invalid: LineProblem[] } {
  const rows: ImportRow[] = [];
  const invalid: LineProblem[] = [];
  const tags = new Set(known.tags);
  for (const { line, record, broken } of records) {
    const checked =
      broken !== undefined ? `unreadable row: ${broken}` : checkRow(record, line, firstLine, tags, known.languages);
    if (typeof checked === "string") invalid.push({ line, reason: checked });
    else rows.push(checked);
  }
  return { rows, invalid };
}

/**
 * Header `email,cadence,tags` (cadence and tags may be absent or empty; tags are `;`-separated and must
 * be topics of this site). An absent column or an empty cell leaves an existing subscriber's value as it is.
 */
export function parseImport(csv: string, known: ImportVocabulary): ParsedImport {
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (h) => h.trim().toLowerCase(),
  });
  const problem = headerProblem(parsed.meta.fields ?? []);
  if (problem) return { ok: false, reason: problem };

  const broken = new Map<number, string>();
  for (const e of parsed.errors) if (e.row !== undefined) broken.set(e.row, e.message);
  // Line 1 is the header. (A quoted field spanning lines would shift later numbers; addresses have none.)
  const records = parsed.data.map((record, index) => ({ line: index + 2, record, broken: broken.get(index) }));
  return { ok: true, ...checkRecords(records, new Map(), known) };
}

export interface ImportResult {
  added: number;
  updated: number;
  invalid: LineProblem[];
  /** Rows left alone: addresses that are suppressed, erased, or pending their own confirmation. */
  skipped: LineProblem[];
}

// D1 allows 100 bound parameters per statement.
const LOOKUP_PER_STATEMENT = 99;
const ROWS_PER_INSERT = 16; // 2 shared + 6 per row
const ROWS_PER_UPDATE = 24; // 1 shared + 4 per row
const STATEMENTS_PER_BATCH = 50;

export const SKIP_REASONS: Record<string, string> = {
  pending: "pending confirmation from the subscribe form: only the reader can confirm it",
  unsubscribed: "suppressed (unsubscribed): an import never subscribes someone who left",
  bounced: "suppressed (bounced): an import never subscribes someone who left",
  complained: "suppressed (complained): an import never subscribes someone who left",
  erased: "erased on request: suppressed, an import never subscribes them again",
  race: "changed while importing: import this line again",
};

function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function runBatched<T>(db: D1Database, statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
  const results: D1Result<T>[] = [];
  for (const part of chunked(statements, STATEMENTS_PER_BATCH)) results.push(...(await db.batch<T>(part)));
  return results;
}

/** Status of each address already known: by its normalized form, or as an erased (hashed) entry. */
async function existingStatus(db: D1Database, rows: ImportRow[]): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  const lookups = chunked(rows, LOOKUP_PER_STATEMENT).map((part) =>
    db
      .prepare(
        `SELECT email_normalized, status FROM subscribers WHERE email_normalized IN (${part.map((_, i) => `?${i + 1}`).join(", ")})`,
      )
      .bind(...part.map((r) => r.normalized)),
  );
  for (const r of await runBatched<{ email_normalized: string; status: string }>(db, lookups)) {
    for (const { email_normalized, status } of r.results) known.set(email_normalized, status);
  }
  // Hashing every address is only worth it when someone was ever erased.
  if (!(await db.prepare("SELECT 1 AS any FROM subscribers WHERE erased_at IS NOT NULL LIMIT 1").first("any"))) {
    return known;
  }
  const unknown = rows.filter((r) => !known.has(r.normalized));
  const keys = new Map<string, string>();
  for (const r of unknown) keys.set(await erasedKey(r.normalized), r.normalized);
  const erased = chunked([...keys.keys()], LOOKUP_PER_STATEMENT).map((part) =>
    db
      .prepare(
        `SELECT email_normalized FROM subscribers WHERE email_normalized IN (${part.map((_, i) => `?${i + 1}`).join(", ")})`,
      )
      .bind(...part),
  );
  for (const r of await runBatched<{ email_normalized: string }>(db, erased)) {
    for (const { email_normalized } of r.results) known.set(keys.get(email_normalized) as string, "erased");
  }
  return known;
}

/** The rows sorted by what an import may do with them: add, update, or leave alone (with the reason). */
export interface ClassifiedRows {
  fresh: ImportRow[];
  confirmed: ImportRow[];
  skipped: LineProblem[];
}

export async function classifyRows(db: D1Database, rows: ImportRow[]): Promise<ClassifiedRows> {
  const known = await existingStatus(db, rows);
  const out: ClassifiedRows = { fresh: [], confirmed: [], skipped: [] };
  for (const r of rows) {
    const status = known.get(r.normalized);
    if (status === undefined) out.fresh.push(r);
    else if (status === "confirmed") out.confirmed.push(r);
    else out.skipped.push({ line: r.line, reason: SKIP_REASONS[status] ?? SKIP_REASONS.race! });
  }
  return out;
}

/**
 * Statements that add new addresses as confirmed subscribers, each with its 'imported' event.
 * `onConflict: "skip"` leaves an address someone added meanwhile alone (RETURNING names those added);
 * `"fail"` makes the statement, and the batch it is in, fail instead, so the caller can start over.
 */
export function insertStatements(
  db: D1Database,
  fresh: ImportRow[],
  stamp: string,
  onConflict: "skip" | "fail",
): D1PreparedStatement[] {
  return chunked(fresh, ROWS_PER_INSERT).flatMap((chunk) => {
    const values = chunk
      .map((_, i) => {
        const p = 3 + i * 6;
        return `(?${p}, ?${p + 1}, 'confirmed', ?${p + 2}, ?${p + 3}, ?${p + 4}, ?1, ?1, ?1, 'import', ?2, ?1, ?${p + 5})`;
      })
      .join(", ");
    const addresses = chunk.map((_, i) => `?${i + 2}`).join(", ");
    return [
      db
        .prepare(
          `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
             consent_at, consent_source, consent_text_version, confirmed_at, language)
           VALUES ${values}
           ${onConflict === "skip" ? "ON CONFLICT (email_normalized) DO NOTHING" : ""}
           RETURNING email_normalized`,
        )
        .bind(
          stamp,
          CONSENT_TEXT_VERSION,
          ...chunk.flatMap((r) => [
            r.email,
            r.normalized,
            r.cadence ?? "daily",
            JSON.stringify(r.topics ?? []),
            newNonce(),
            r.language ?? null,
          ]),
        ),
      db
        .prepare(
          `INSERT INTO subscriber_events (subscriber_id, event, at, detail)
           SELECT id, 'imported', ?1, json_object('cadence', cadence, 'topics', json(topics)) FROM subscribers
           WHERE email_normalized IN (${addresses}) AND created_at = ?1 AND consent_source = 'import'`,
        )
        .bind(stamp, ...chunk.map((r) => r.normalized)),
    ];
  });
}

/**
 * Statements that give confirmed subscribers only what the file says: a column that is absent (NULL
 * here) stays as the subscriber set it. Set-based, a chunk of rows per statement: the event rows first,
 * while the rows still match. The UPDATE's RETURNING names the subscribers changed.
 */
export function updateStatements(db: D1Database, confirmed: ImportRow[], stamp: string): D1PreparedStatement[] {
  return chunked(confirmed, ROWS_PER_UPDATE).flatMap((chunk) => {
    const values = chunk.map((_, i) => `(?${2 + i * 4}, ?${3 + i * 4}, ?${4 + i * 4}, ?${5 + i * 4})`).join(", ");
    const params = [
      stamp,
      ...chunk.flatMap((r) => [
        r.normalized,
        r.cadence ?? null,
        r.topics ? JSON.stringify(r.topics) : null,
        r.language ?? null,
      ]),
    ];
    const file = `WITH file (address, cadence, topics, language) AS (VALUES ${values})`;
    return [
      db
        .prepare(
          `${file} INSERT INTO subscriber_events (subscriber_id, event, at, detail)
           SELECT s.id, 'import-updated', ?1, json_object('cadence', file.cadence, 'topics', json(file.topics))
           -- CROSS JOIN keeps the file as the outer loop: one index lookup per row, never a scan of the list.
           FROM file CROSS JOIN subscribers s ON s.email_normalized = file.address WHERE s.status = 'confirmed'`,
        )
        .bind(...params),
      db
        .prepare(
          `${file} UPDATE subscribers SET
             cadence = COALESCE(file.cadence, subscribers.cadence),
             topics = COALESCE(file.topics, subscribers.topics),
             language = COALESCE(file.language, subscribers.language),
             updated_at = ?1
           FROM file WHERE file.address = subscribers.email_normalized AND subscribers.status = 'confirmed'
           RETURNING subscribers.email_normalized`,
        )
        .bind(...params),
    ];
  });
}

/**
 * Writes the rows. New addresses become confirmed subscribers with a consent record of their own
 * (source "import", this time). Confirmed subscribers get only the columns the file has. Everyone else
 * is skipped with the reason: suppressed and erased addresses are never signed up by an import, and a
 * sign-up pending from the form waits for its reader's own confirmation, its consent record untouched.
 * Each row added or updated writes an event.
 */
export async function importRows(
  db: D1Database,
  rows: ImportRow[],
  now = new Date(),
): Promise<Omit<ImportResult, "invalid">> {
  const stamp = now.toISOString();
  const { fresh, confirmed, skipped } = await classifyRows(db, rows);
  const inserts = insertStatements(db, fresh, stamp, "skip");
  let added = 0;
  const written = new Set<string>();
  for (const r of await runBatched<{ email_normalized: string }>(db, inserts)) {
    for (const row of r.results) {
      written.add(row.email_normalized);
      added++;
    }
  }
  for (const r of fresh) if (!written.has(r.normalized)) skipped.push({ line: r.line, reason: SKIP_REASONS.race! });

  const updates = updateStatements(db, confirmed, stamp);
  const touched = new Set<string>();
  for (const r of await runBatched<{ email_normalized?: string }>(db, updates)) {
    for (const row of r.results) if (row.email_normalized) touched.add(row.email_normalized);
  }
  let updated = 0;
  for (const r of confirmed) {
    if (touched.has(r.normalized)) updated++;
    else skipped.push({ line: r.line, reason: SKIP_REASONS.race! });
  }
  skipped.sort((a, b) => a.line - b.line);
  return { added, updated, skipped };
}
