// Imports in pieces: the upload is stored as an import job with its pieces (migrations/0017), and the
// import queue's consumer applies one piece per message. A piece is applied in one D1 transaction with
// its result row and the job's counts, so it is applied whole or not at all, and a second delivery of
// the same piece fails on the result's primary key: nothing is counted twice.
import Papa from "papaparse";
import { parseAddress } from "./address.ts";
import {
  checkRecords,
  classifyRows,
  headerFields,
  type ImportVocabulary,
  insertStatements,
  type LineProblem,
  type NumberedRecord,
  updateStatements,
} from "./csv-import.ts";
import type { Piece } from "./import-upload.ts";

export interface ImportPieceMessage {
  job: string;
  seq: number;
}

/** Tries per piece before the job stops with that piece's error (the queue's max_retries is higher). */
export const PIECE_TRIES = 5;
// Multi-row insert of stored pieces: 1 shared + 4 parameters per piece, under D1's 100.
const PIECES_PER_INSERT = 8;
const ADDRESSES_PER_LOOKUP = 98; // 1 shared + 98
const ADDRESSES_PER_INSERT = 49; // 1 shared + 2 per address

const chunked = <T>(items: T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/**
 * Stores the pieces under a new job (status "uploading": nothing is applied), then opens the job and
 * queues one message per piece. An upload cut short deletes the job: nothing was applied.
 */
export async function createImportJob(
  db: D1Database,
  queue: Queue<ImportPieceMessage>,
  header: string,
  pieces: AsyncIterable<Piece>,
  now = new Date(),
): Promise<{ id: string; pieces: number; lines: number }> {
  const id = crypto.randomUUID();
  const stamp = now.toISOString();
  await db
    .prepare(
      "INSERT INTO import_jobs (id, header, pieces, lines, created_at, updated_at) VALUES (?1, ?2, 0, 0, ?3, ?3)",
    )
    .bind(id, header, stamp)
    .run();
  let count = 0;
  let lines = 0;
  let waiting: Piece[] = [];
  const flush = async () => {
    if (!waiting.length) return;
    const values = waiting.map((_, i) => `(?1, ?${2 + i * 4}, ?${3 + i * 4}, ?${4 + i * 4}, ?${5 + i * 4})`).join(", ");
    await db
      .prepare(`INSERT INTO import_pieces (job_id, seq, first_line, line_count, csv) VALUES ${values}`)
      .bind(id, ...waiting.flatMap((p) => [p.seq, p.firstLine, p.lineCount, p.csv]))
      .run();
    waiting = [];
  };
  try {
    for await (const piece of pieces) {
      waiting.push(piece);
      count++;
      lines += piece.rows;
      if (waiting.length >= PIECES_PER_INSERT) await flush();
    }
    await flush();
  } catch (e) {
    await db.prepare("DELETE FROM import_jobs WHERE id = ?1").bind(id).run();
    throw e;
  }
  await db
    .prepare(
      `UPDATE import_jobs SET status = CASE WHEN ?2 = 0 THEN 'done' ELSE 'importing' END, pieces = ?2, lines = ?3
       WHERE id = ?1`,
    )
    .bind(id, count, lines)
    .run();
  const messages = Array.from({ length: count }, (_, seq) => ({ body: { job: id, seq } }));
  for (const part of chunked(messages, 100)) await queue.sendBatch(part);
  return { id, pieces: count, lines };
}

interface StoredPiece {
  status: string;
  header: string;
  first_line: number;
  line_count: number;
  csv: string;
  applied: number;
}

/** The piece's records, numbered by file line; blank lines are left out (they are not rows). */
function recordsOf(header: string, piece: StoredPiece): NumberedRecord[] {
  const parsed = Papa.parse<Record<string, string>>(`${header}\n${piece.csv}`, {
    header: true,
    skipEmptyLines: false,
    transformHeader: (h) => headerFields([h])[0] as string,
  });
  const broken = new Map<number, string>();
  for (const e of parsed.errors) if (e.row !== undefined) broken.set(e.row, e.message);
  const raw = piece.csv.split("\n");
  const records: NumberedRecord[] = [];
  parsed.data.forEach((record, index) => {
    if ((raw[index] ?? "").trim() === "") return;
    records.push({ line: piece.first_line + index, record, broken: broken.get(index) });
  });
  return records;
}

/** First line of each address this job has already read in other pieces. */
async function linesSeen(db: D1Database, job: string, records: NumberedRecord[]): Promise<Map<string, number>> {
  const addresses = new Set<string>();
  for (const { record } of records) {
    const a = parseAddress(record.email ?? "");
    if (a.ok) addresses.add(a.normalized);
  }
  const seen = new Map<string, number>();
  const lookups = chunked([...addresses], ADDRESSES_PER_LOOKUP).map((part) =>
    db
      .prepare(
        `SELECT address, line FROM import_addresses WHERE job_id = ?1 AND address IN (${part.map((_, i) => `?${i + 2}`).join(", ")})`,
      )
      .bind(job, ...part),
  );
  for (const part of chunked(lookups, 50)) {
    for (const r of await db.batch<{ address: string; line: number }>(part)) {
      for (const row of r.results) seen.set(row.address, row.line);
    }
  }
  return seen;
}

export type PieceOutcome = "applied" | "already-applied" | "job-not-importing" | "no-such-piece";

/**
 * Applies one piece: reads (statuses, earlier lines), then writes everything in one batch, which D1
 * runs as one transaction: the piece's result row first (its primary key refuses a second application),
 * the subscribers and their events, the addresses read, then the job's counts.
 */
export async function applyPiece(
  db: D1Database,
  message: ImportPieceMessage,
  known: ImportVocabulary,
  now = new Date(),
): Promise<PieceOutcome> {
  const piece = await db
    .prepare(
      `SELECT j.status, j.header, p.first_line, p.line_count, p.csv,
         EXISTS (SELECT 1 FROM import_piece_results r WHERE r.job_id = p.job_id AND r.seq = p.seq) AS applied
       FROM import_pieces p JOIN import_jobs j ON j.id = p.job_id WHERE p.job_id = ?1 AND p.seq = ?2`,
    )
    .bind(message.job, message.seq)
    .first<StoredPiece>();
  if (!piece) return "no-such-piece";
  if (piece.applied) return "already-applied";
  if (piece.status !== "importing") return "job-not-importing";

  const records = recordsOf(piece.header, piece);
  const firstLine = await linesSeen(db, message.job, records);
  const earlier = new Set(firstLine.keys());
  const { rows, invalid } = checkRecords(records, firstLine, known);
  const { fresh, confirmed, skipped } = await classifyRows(db, rows);
  const report = [
    ...invalid.map((p) => ({ ...p, kind: "invalid" as const })),
    ...skipped.map((p) => ({ ...p, kind: "skipped" as const })),
  ].sort((a, b) => a.line - b.line);
  const stamp = now.toISOString();
  const newAddresses = rows.filter((r) => !earlier.has(r.normalized));
  const statements = [
    db
      .prepare(
        "INSERT INTO import_piece_results (job_id, seq, added, updated, report, applied_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      )
      .bind(message.job, message.seq, fresh.length, confirmed.length, JSON.stringify(report), stamp),
    // An address added meanwhile by someone else fails the batch: the next try sees it and updates it.
    ...insertStatements(db, fresh, stamp, "fail"),
    ...updateStatements(db, confirmed, stamp),
    ...chunked(newAddresses, ADDRESSES_PER_INSERT).map((part) =>
      db
        .prepare(
          `INSERT INTO import_addresses (job_id, address, line) VALUES ${part.map((_, i) => `(?1, ?${2 + i * 2}, ?${3 + i * 2})`).join(", ")}`,
        )
        .bind(message.job, ...part.flatMap((r) => [r.normalized, r.line])),
    ),
    db.prepare("UPDATE import_pieces SET csv = '' WHERE job_id = ?1 AND seq = ?2").bind(message.job, message.seq),
    db
      .prepare(
        `UPDATE import_jobs SET added = added + ?2, updated = updated + ?3, invalid = invalid + ?4,
           skipped = skipped + ?5, pieces_applied = pieces_applied + 1, updated_at = ?6,
           status = CASE WHEN status = 'importing' AND pieces_applied + 1 >= pieces THEN 'done' ELSE status END
         WHERE id = ?1`,
      )
      .bind(message.job, fresh.length, confirmed.length, invalid.length, skipped.length, stamp),
  ];
  try {
    await db.batch(statements);
  } catch (e) {
    const done = await db
      .prepare("SELECT 1 AS done FROM import_piece_results WHERE job_id = ?1 AND seq = ?2")
      .bind(message.job, message.seq)
      .first("done");
    if (done) return "already-applied";
    throw e;
  }
  return "applied";
}

/** Stops the job: pieces not applied yet stay unapplied, and the report lists them. */
export async function stopImport(db: D1Database, job: string, reason: string, now = new Date()): Promise<boolean> {
  const r = await db
    .prepare(
      "UPDATE import_jobs SET status = 'stopped', stop_reason = ?2, updated_at = ?3 WHERE id = ?1 AND status IN ('uploading', 'importing')",
    )
    .bind(job, reason, now.toISOString())
    .run();
  return r.meta.changes > 0;
}

/** The import queue's consumer: one piece per message; a piece failing all its tries stops its job. */
export async function consumeImportBatch(
  db: D1Database,
  batch: MessageBatch<ImportPieceMessage>,
  known: ImportVocabulary,
): Promise<void> {
  for (const message of batch.messages) {
    try {
      const outcome = await applyPiece(db, message.body, known);
      console.log(JSON.stringify({ event: "import-piece", job: message.body.job, seq: message.body.seq, outcome }));
      message.ack();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      console.error(JSON.stringify({ event: "import-piece-error", ...message.body, attempts: message.attempts, why }));
      if (message.attempts >= PIECE_TRIES) {
        await stopImport(
          db,
          message.body.job,
          `piece ${message.body.seq + 1} failed ${message.attempts} times: ${why}`,
        );
        message.ack();
      } else {
        message.retry({ delaySeconds: 5 * message.attempts });
      }
    }
  }
}

export interface LineRange {
  from: number;
  to: number;
}

export interface ImportJobView {
  id: string;
  status: "uploading" | "importing" | "done" | "stopped";
  stopReason: string | null;
  lines: number;
  pieces: number;
  piecesApplied: number;
  added: number;
  updated: number;
  invalid: number;
  skipped: number;
  /** File lines applied and not applied (merged ranges). */
  applied: LineRange[];
  notApplied: LineRange[];
  createdAt: string;
  updatedAt: string;
}

function addRange(ranges: LineRange[], from: number, to: number) {
  const last = ranges.at(-1);
  if (last && last.to + 1 === from) last.to = to;
  else ranges.push({ from, to });
}

export async function importJob(db: D1Database, id: string): Promise<ImportJobView | null> {
  const job = await db
    .prepare("SELECT * FROM import_jobs WHERE id = ?1")
    .bind(id)
    .first<Record<string, string | number | null>>();
  if (!job) return null;
  const { results: pieces } = await db
    .prepare(
      `SELECT p.first_line, p.line_count, r.seq IS NOT NULL AS applied FROM import_pieces p
       LEFT JOIN import_piece_results r ON r.job_id = p.job_id AND r.seq = p.seq
       WHERE p.job_id = ?1 ORDER BY p.seq`,
    )
    .bind(id)
    .all<{ first_line: number; line_count: number; applied: number }>();
  const applied: LineRange[] = [];
  const notApplied: LineRange[] = [];
  for (const p of pieces) addRange(p.applied ? applied : notApplied, p.first_line, p.first_line + p.line_count - 1);
  return {
    id,
    status: job.status as ImportJobView["status"],
    stopReason: job.stop_reason as string | null,
    lines: job.lines as number,
    pieces: job.pieces as number,
    piecesApplied: job.pieces_applied as number,
    added: job.added as number,
    updated: job.updated as number,
    invalid: job.invalid as number,
    skipped: job.skipped as number,
    applied,
    notApplied,
    createdAt: job.created_at as string,
    updatedAt: job.updated_at as string,
  };
}

export interface ReportLine extends LineProblem {
  kind: "invalid" | "skipped";
}

/** Every line the job did not import, in file order, a few pieces' reports at a time. */
export async function* reportLines(db: D1Database, id: string): AsyncGenerator<ReportLine> {
  let after = -1;
  for (;;) {
    const { results } = await db
      .prepare("SELECT seq, report FROM import_piece_results WHERE job_id = ?1 AND seq > ?2 ORDER BY seq LIMIT 20")
      .bind(id, after)
      .all<{ seq: number; report: string }>();
    if (!results.length) return;
    for (const r of results) yield* JSON.parse(r.report) as ReportLine[];
    after = results.at(-1)?.seq as number;
  }
}

/** The first `limit` lines of the report (the rest: reportLines, streamed as CSV). */
export async function reportHead(db: D1Database, id: string, limit: number): Promise<ReportLine[]> {
  const out: ReportLine[] = [];
  for await (const line of reportLines(db, id)) {
    if (out.length >= limit) break;
    out.push(line);
  }
  return out;
}
