// The admin CSV import, in two steps: parseImport() reads and checks every row (pure), then
// importRows() writes the valid ones in chunks. Bad rows are reported by line and never stop the rest.
import Papa from "papaparse";
import { parseAddress } from "./address.ts";
import { type Cadence, CONSENT_TEXT_VERSION } from "./store.ts";
import { newNonce } from "./tokens.ts";

export interface ImportRow {
  line: number;
  email: string;
  normalized: string;
  cadence: Cadence;
  topics: string[];
}

export interface LineProblem {
  line: number;
  reason: string;
}

export type ParsedImport = { ok: true; rows: ImportRow[]; invalid: LineProblem[] } | { ok: false; reason: string };

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** One row → an import row, or the reason it is invalid. */
function checkRow(record: Record<string, string>, line: number, firstLine: Map<string, number>): ImportRow | string {
  const address = parseAddress(record.email ?? "");
  if (!address.ok) return `email ${address.reason}`;
  const cadence = (record.cadence ?? "").trim().toLowerCase() || "daily";
  if (cadence !== "daily" && cadence !== "weekly") return 'cadence must be "daily" or "weekly"';
  const topics = [
    ...new Set(
      (record.tags ?? "")
        .split(";")
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const badTopic = topics.find((t) => !SLUG.test(t));
  if (badTopic) return `tags: "${badTopic}" is not a topic slug`;
  const seen = firstLine.get(address.normalized);
  if (seen) return `duplicate of line ${seen}`;
  firstLine.set(address.normalized, line);
  return { line, email: address.email, normalized: address.normalized, cadence, topics: topics.sort() };
}

/** Header `email,cadence,tags` (cadence and tags may be absent or empty; tags are `;`-separated). */
export function parseImport(csv: string): ParsedImport {
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (h) => h.trim().toLowerCase(),
  });
  const fields = parsed.meta.fields ?? [];
  if (!fields.includes("email")) return { ok: false, reason: "the first line must be the header email,cadence,tags" };
  const unknownColumns = fields.filter((f) => !["email", "cadence", "tags"].includes(f));
  if (unknownColumns.length) return { ok: false, reason: `unknown column(s): ${unknownColumns.join(", ")}` };

  const broken = new Map<number, string>();
  for (const e of parsed.errors) if (e.row !== undefined) broken.set(e.row, e.message);

  const rows: ImportRow[] = [];
  const invalid: LineProblem[] = [];
  const firstLine = new Map<string, number>();
  parsed.data.forEach((record, index) => {
    // Line 1 is the header. (A quoted field spanning lines would shift later numbers; addresses have none.)
    const line = index + 2;
    const checked = broken.has(index) ? `unreadable row: ${broken.get(index)}` : checkRow(record, line, firstLine);
    if (typeof checked === "string") invalid.push({ line, reason: checked });
    else rows.push(checked);
  });
  return { ok: true, rows, invalid };
}

export interface ImportResult {
  added: number;
  updated: number;
  invalid: LineProblem[];
  /** Addresses that left (unsubscribed, bounced, complained): an import never signs them up again. */
  skipped: LineProblem[];
}

// D1 allows 100 bound parameters per statement: 2 shared + 5 per row.
const ROWS_PER_STATEMENT = 19;
const STATEMENTS_PER_BATCH = 50;

/**
 * Upserts the rows as confirmed subscribers with consent source "import". Existing pending or confirmed
 * subscribers are updated (cadence, topics; pending ones become confirmed); those who left are skipped.
 */
export async function importRows(
  db: D1Database,
  rows: ImportRow[],
  now = new Date(),
): Promise<Omit<ImportResult, "invalid">> {
  // A marker unique to this import: rows whose created_at equals it were inserted by it.
  const stamp = now.toISOString();
  const statements: D1PreparedStatement[] = [];
  const chunks: ImportRow[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) chunks.push(rows.slice(i, i + ROWS_PER_STATEMENT));
  for (const chunk of chunks) {
    const values = chunk
      .map((_, i) => {
        const p = 3 + i * 5;
        return `(?${p}, ?${p + 1}, 'confirmed', ?${p + 2}, ?${p + 3}, ?${p + 4}, ?1, ?1, ?1, 'import', ?2, ?1)`;
      })
      .join(", ");
    statements.push(
      db
        .prepare(
          `INSERT INTO subscribers (email, email_normalized, status, cadence, topics, confirm_nonce, created_at, updated_at,
             consent_at, consent_source, consent_text_version, confirmed_at)
           VALUES ${values}
           ON CONFLICT (email_normalized) DO UPDATE SET
             cadence = excluded.cadence,
             topics = excluded.topics,
             updated_at = excluded.updated_at,
             -- A pending address confirmed by the publisher's import takes the import as its consent.
             consent_at = CASE WHEN status = 'pending' THEN excluded.consent_at ELSE consent_at END,
             consent_source = CASE WHEN status = 'pending' THEN 'import' ELSE consent_source END,
             consent_text_version = CASE WHEN status = 'pending' THEN excluded.consent_text_version ELSE consent_text_version END,
             confirmed_at = COALESCE(confirmed_at, excluded.confirmed_at),
             status = 'confirmed'
           WHERE status IN ('pending', 'confirmed')
           RETURNING email_normalized, created_at = ?1 AS added`,
        )
        .bind(
          stamp,
          CONSENT_TEXT_VERSION,
          ...chunk.flatMap((r) => [r.email, r.normalized, r.cadence, JSON.stringify(r.topics), newNonce()]),
        ),
    );
  }
  let added = 0;
  let updated = 0;
  const written = new Set<string>();
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_BATCH) {
    const results = await db.batch<{ email_normalized: string; added: number }>(
      statements.slice(i, i + STATEMENTS_PER_BATCH),
    );
    for (const r of results) {
      for (const row of r.results) {
        written.add(row.email_normalized);
        if (row.added) added++;
        else updated++;
      }
    }
  }
  const skipped = rows
    .filter((r) => !written.has(r.normalized))
    .map((r) => ({
      line: r.line,
      reason: "left the list earlier (unsubscribed, bounced or complained); not re-subscribed",
    }));
  return { added, updated, skipped };
}
