// One upload, two ways: a file of one piece is imported in the request (the answer has the report, as
// it always had); a bigger one becomes an import job applied piece by piece by the import queue.
import type { Bindings } from "../env.ts";
import { type ImportResult, type ImportVocabulary, importRows, parseImport } from "./csv-import.ts";
import { createImportJob, type ImportPieceMessage } from "./import-jobs.ts";
import { type Piece, startUpload } from "./import-upload.ts";

export type Received =
  | { kind: "refused"; field: string; reason: string }
  | { kind: "done"; result: ImportResult }
  | { kind: "job"; job: { id: string; pieces: number; lines: number } };

/** `alwaysJob`: the console shows every import as a job page, whatever its size. */
export async function receiveImport(
  env: Bindings,
  body: ReadableStream<Uint8Array> | null,
  known: ImportVocabulary,
  alwaysJob = false,
): Promise<Received> {
  const start = await startUpload(body ?? new Blob([]).stream());
  if (!start.ok) return { kind: "refused", field: start.field, reason: start.reason };
  const first = await start.pieces.next();
  const second = first.done ? first : await start.pieces.next();
  if (second.done && !alwaysJob) {
    const csv = `${start.header}\n${first.done ? "" : first.value.csv}`;
    const parsed = parseImport(csv, known);
    if (!parsed.ok) return { kind: "refused", field: "header", reason: parsed.reason };
    const written = await importRows(env.DB, parsed.rows);
    return { kind: "done", result: { ...written, invalid: parsed.invalid } };
  }
  async function* all(): AsyncGenerator<Piece> {
    if (!first.done) yield first.value;
    if (!second.done) yield second.value;
    yield* start.ok ? start.pieces : [];
  }
  const queue = env.IMPORT_QUEUE as Queue<ImportPieceMessage>;
  return { kind: "job", job: await createImportJob(env.DB, queue, start.header, all()) };
}
