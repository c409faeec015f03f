// Runs inside workerd (vitest project "bench-import", started by bench/import.ts): BENCH_IMPORT_ROWS
// generated lines through the real import path — the upload read as a stream and stored in pieces,
// then every piece applied by the import consumer, one message per invocation as the queue delivers
// them — with D1 counted per invocation. Prints one line, BENCH_IMPORT {...}.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import site from "../.generated/site.json";
import { vocabularyOf } from "../src/subscriptions/csv-import.ts";
import { consumeImportBatch, type ImportPieceMessage, importJob } from "../src/subscriptions/import-jobs.ts";
import { receiveImport } from "../src/subscriptions/import-receive.ts";
import { countedD1 } from "../tests/support/counted-d1.ts";

/** The file as a stream, made line by line: the bench never holds it whole, as an upload would not be. */
function generated(rows: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    start: (c) => c.enqueue(encoder.encode("email,cadence,tags\n")),
    pull(c) {
      if (i >= rows) return c.close();
      const lines: string[] = [];
      for (const end = Math.min(rows, i + 10_000); i < end; i++) {
        lines.push(`reader${i}@bench.example.org,${i % 3 ? "daily" : "weekly"},${i % 5 ? "" : "nato"}\n`);
      }
      c.enqueue(encoder.encode(lines.join("")));
    },
  });
}

it("imports generated rows in pieces", async () => {
  const rows = Number(env.BENCH_IMPORT_ROWS);
  const queued: ImportPieceMessage[] = [];
  const counted = countedD1(env.DB);
  const queue = { sendBatch: async (m: { body: ImportPieceMessage }[]) => void queued.push(...m.map((x) => x.body)) };
  const started = performance.now();
  const received = await receiveImport(
    { ...env, DB: counted.db, IMPORT_QUEUE: queue as never },
    generated(rows),
    vocabularyOf(site),
    true,
  );
  const uploadQueries = counted.since(0).queries;
  const uploadSeconds = (performance.now() - started) / 1000;
  if (received.kind !== "job") throw new Error("expected a job");
  let maxQueries = 0;
  let maxRowsWritten = 0;
  let invocations = 0;
  for (const body of queued) {
    const mark = counted.statements.length;
    const message = { id: "m", timestamp: new Date(), body, attempts: 1, ack() {}, retry() {} };
    await consumeImportBatch(
      counted.db,
      { queue: "briefwire-import", messages: [message] } as never,
      vocabularyOf(site),
    );
    const spent = counted.since(mark);
    maxQueries = Math.max(maxQueries, spent.queries);
    maxRowsWritten = Math.max(maxRowsWritten, spent.rowsWritten);
    invocations++;
    counted.statements.length = 0; // keep the record of one invocation at a time
  }
  const seconds = (performance.now() - started) / 1000;
  const job = await importJob(env.DB, received.job.id);
  expect(job).toMatchObject({ status: "done", added: rows, invalid: 0 });
  console.log(
    `BENCH_IMPORT ${JSON.stringify({
      rows,
      pieces: received.job.pieces,
      invocations,
      uploadQueries,
      uploadSeconds: Math.round(uploadSeconds * 10) / 10,
      seconds: Math.round(seconds * 10) / 10,
      rowsPerSecond: Math.round(rows / seconds),
      maxQueriesPerInvocation: maxQueries,
      maxRowsWrittenPerInvocation: maxRowsWritten,
      added: job?.added,
    })}`,
  );
});
