// Reads an uploaded CSV as a stream of lines and cuts it into pieces of at most PIECE_LINES lines, so
// neither the upload nor any later step holds a large file at once. The header is checked first: a file
// that cannot be imported is refused before anything is stored.
import Papa from "papaparse";
import { headerFields, headerProblem } from "./csv-import.ts";

/** Lines per piece: one consumer invocation applies one piece within D1's query budget (see import-pieces.ts). */
export const PIECE_LINES = 5_000;
/** Characters per piece, whatever the line count: keeps a piece's row well under D1's 2 MB. */
export const PIECE_CHARS = 256 * 1024;

export interface Piece {
  seq: number;
  /** File line number of the piece's first line (line 1 is the header). */
  firstLine: number;
  /** Lines in the piece, blank ones included (so every line keeps its number). */
  lineCount: number;
  /** Lines that are not blank: rows the report accounts for. */
  rows: number;
  csv: string;
}

export type UploadStart =
  | { ok: true; header: string; pieces: AsyncGenerator<Piece> }
  | { ok: false; field: string; reason: string };

/** The stream's lines, without their line ends (CRLF or LF), the first without a byte-order mark. */
async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  let first = true;
  for await (let text of stream.pipeThrough(new TextDecoderStream())) {
    if (first) {
      text = text.replace(/^\uFEFF/, "");
      first = false;
    }
    // A NUL never occurs in text: this is a spreadsheet or an archive, not CSV.
    if (text.includes("\u0000")) throw new NotText();
    const parts = (rest + text).split("\n");
    rest = parts.pop() ?? "";
    for (const part of parts) yield part.endsWith("\r") ? part.slice(0, -1) : part;
  }
  if (rest !== "") yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

export class NotText extends Error {
  constructor() {
    super("is not a CSV file: it holds binary data (save the sheet as CSV, UTF-8)");
  }
}

async function* piecesAfterHeader(lines: AsyncGenerator<string>): AsyncGenerator<Piece> {
  let seq = 0;
  let firstLine = 2;
  let current: string[] = [];
  let chars = 0;
  let rows = 0;
  const cut = (): Piece => {
    const piece = { seq: seq++, firstLine, lineCount: current.length, rows, csv: current.join("\n") };
    firstLine += current.length;
    current = [];
    chars = 0;
    rows = 0;
    return piece;
  };
  for await (const line of lines) {
    current.push(line);
    chars += line.length + 1;
    if (line.trim() !== "") rows++;
    if (current.length >= PIECE_LINES || chars >= PIECE_CHARS) yield cut();
  }
  if (rows > 0) yield cut();
}

/**
 * Reads the header line and checks it; the pieces follow lazily. A body that is not text throws
 * NotText while the pieces are read (the caller stores nothing until it has them all).
 */
export async function startUpload(stream: ReadableStream<Uint8Array>): Promise<UploadStart> {
  const lines = linesOf(stream);
  let header: string | undefined;
  try {
    header = (await lines.next()).value ?? undefined;
  } catch (e) {
    if (e instanceof NotText) return { ok: false, field: "body", reason: e.message };
    throw e;
  }
  if (header === undefined || header.trim() === "") {
    return {
      ok: false,
      field: "header",
      reason: "the file is empty: the first line must be the header email,cadence,tags,language",
    };
  }
  const fields = headerFields(Papa.parse<string[]>(header).data[0] ?? []);
  const problem = headerProblem(fields);
  if (problem) return { ok: false, field: "header", reason: problem };
  return { ok: true, header, pieces: piecesAfterHeader(lines) };
}
