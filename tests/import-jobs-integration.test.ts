// Imports in pieces with real local D1: an upload over one piece becomes a job whose pieces the import
// queue's consumer applies one per message. Messages are recorded and handed to the consumer here, as
// the queue would (tests/support/counted-d1.ts counts what one invocation costs).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  consumeImportBatch,
  type ImportPieceMessage,
  importJob,
  PIECE_TRIES,
  reportHead,
  stopImport,
} from "../src/subscriptions/import-jobs.ts";
import { receiveImport } from "../src/subscriptions/import-receive.ts";
import { PIECE_LINES } from "../src/subscriptions/import-upload.ts";
import { eraseSubscriber } from "../src/subscriptions/retention.ts";
import { countedD1 } from "./support/counted-d1.ts";
import { ADMIN, get } from "./support/worker.ts";

const TAGS = ["defence-industry", "indo-pacific", "nato", "ukraine"];
let runs = 0;

/** Receives `csv` as an upload, with the queue's messages recorded instead of sent. */
async function upload(csv: string, alwaysJob = false) {
  const queued: ImportPieceMessage[] = [];
  const queue = { sendBatch: async (m: { body: ImportPieceMessage }[]) => void queued.push(...m.map((x) => x.body)) };
  const body = new Blob([csv]).stream();
  const received = await receiveImport(
    { ...env, IMPORT_QUEUE: queue as never },
    body,
    { tags: TAGS, languages: ["en", "fr"] },
    alwaysJob,
  );
  return { received, queued };
}

/** One consumer invocation for one message, as the queue delivers it; what happened to the message. */
async function deliver(message: ImportPieceMessage, attempts = 1, db: D1Database = env.DB) {
  let outcome = "none";
  const batch = {
    queue: "briefwire-import",
    messages: [
      {
        id: `${message.job}-${message.seq}`,
        timestamp: new Date(),
        body: message,
        attempts,
        ack: () => {
          outcome = "ack";
        },
        retry: () => {
          outcome = "retry";
        },
      },
    ],
  } as unknown as MessageBatch<ImportPieceMessage>;
  await consumeImportBatch(db, batch, { tags: TAGS, languages: ["en", "fr"] });
  return outcome;
}

/** `count` address lines; `at(i)` may replace the i-th (0-based, file line i + 2). */
function lines(prefix: string, count: number, at: (i: number) => string | undefined = () => undefined) {
  return Array.from({ length: count }, (_, i) => at(i) ?? `${prefix}${i}@example.org,daily,`);
}

describe("imports in pieces", () => {
  it("splits a big file into pieces and reports counts and every bad line by its file line, across pieces", async () => {
    const p = `big${++runs}-`;
    await upload(`email,cadence\n${p}known@example.org,weekly\n${p}left@example.org,daily\n`);
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE email_normalized = ?1")
      .bind(`${p}left@example.org`)
      .run();
    const last = PIECE_LINES + 1; // the last line of the first piece (line 1 is the header)
    const rows = lines(p, 2 * PIECE_LINES + 500, (i) => {
      const line = i + 2;
      if (line === last) return "not-an-address,daily,";
      if (line === last + 1) return `${p}x@example.org,hourly,`;
      if (line === 2 * PIECE_LINES + 100) return `${p}5@example.org,weekly,`; // line 7 again
      if (line === 10) return `${p}known@example.org,daily,nato`;
      if (line === 11) return `${p}left@example.org,daily,`;
      return undefined;
    });
    const { received, queued } = await upload(`email,cadence,tags\n${rows.join("\n")}\n`);
    expect(received).toMatchObject({ kind: "job", job: { pieces: 3, lines: rows.length } });
    if (received.kind !== "job") return;
    expect(queued.map((m) => m.seq)).toEqual([0, 1, 2]);
    // Nothing applied before the consumer runs.
    expect((await importJob(env.DB, received.job.id))?.status).toBe("importing");
    for (const m of queued) expect(await deliver(m)).toBe("ack");

    const job = await importJob(env.DB, received.job.id);
    expect(job).toMatchObject({
      status: "done",
      piecesApplied: 3,
      added: rows.length - 5,
      updated: 1,
      invalid: 3,
      skipped: 1,
      applied: [{ from: 2, to: rows.length + 1 }],
      notApplied: [],
    });
    expect(await reportHead(env.DB, received.job.id, 100)).toEqual([
      { line: 11, kind: "skipped", reason: expect.stringContaining("unsubscribed") },
      { line: last, kind: "invalid", reason: "email must look like name@example.org" },
      { line: last + 1, kind: "invalid", reason: expect.stringMatching(/^cadence /) },
      { line: 2 * PIECE_LINES + 100, kind: "invalid", reason: "duplicate of line 7" },
    ]);
    const known = await env.DB.prepare("SELECT cadence, topics FROM subscribers WHERE email_normalized = ?1")
      .bind(`${p}known@example.org`)
      .first();
    expect(known).toEqual({ cadence: "daily", topics: '["nato"]' });
  }, 120_000);

  it("counts a piece once when the queue delivers it again", async () => {
    const p = `again${++runs}-`;
    const { received, queued } = await upload(`email,cadence,tags\n${lines(p, PIECE_LINES + 10).join("\n")}\n`);
    if (received.kind !== "job") throw new Error("expected a job");
    for (const m of [...queued, ...queued]) expect(await deliver(m)).toBe("ack");
    expect(await importJob(env.DB, received.job.id)).toMatchObject({
      status: "done",
      piecesApplied: 2,
      added: PIECE_LINES + 10,
      updated: 0,
    });
    const events = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM subscriber_events e JOIN subscribers s ON s.id = e.subscriber_id WHERE s.email LIKE ?1",
    )
      .bind(`${p}%`)
      .first("n");
    expect(events).toBe(PIECE_LINES + 10);
  }, 60_000);

  it("a cancelled import says which lines were applied and which were not", async () => {
    const p = `cancel${++runs}-`;
    const { received, queued } = await upload(`email,cadence,tags\n${lines(p, PIECE_LINES + 10).join("\n")}\n`);
    if (received.kind !== "job") throw new Error("expected a job");
    await deliver(queued[0] as ImportPieceMessage);
    expect(await stopImport(env.DB, received.job.id, "cancelled")).toBe(true);
    await deliver(queued[1] as ImportPieceMessage);
    expect(await importJob(env.DB, received.job.id)).toMatchObject({
      status: "stopped",
      stopReason: "cancelled",
      added: PIECE_LINES,
      applied: [{ from: 2, to: PIECE_LINES + 1 }],
      notApplied: [{ from: PIECE_LINES + 2, to: PIECE_LINES + 11 }],
    });
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM subscribers WHERE email LIKE ?1")
      .bind(`${p}%`)
      .first("n");
    expect(after).toBe(PIECE_LINES);
  }, 60_000);

  it("a piece that fails all its tries stops the job, retried until then", async () => {
    const p = `fail${++runs}-`;
    const { received, queued } = await upload(`email,cadence,tags\n${lines(p, 3).join("\n")}\n`, true);
    if (received.kind !== "job") throw new Error("expected a job");
    const failing = new Proxy(env.DB, {
      get: (target, key) =>
        key === "batch"
          ? () => Promise.reject(new Error("D1 is unavailable"))
          : (Reflect.get(target, key) as (...a: unknown[]) => unknown).bind(target),
    });
    const m = queued[0] as ImportPieceMessage;
    expect(await deliver(m, 1, failing)).toBe("retry");
    expect(await deliver(m, PIECE_TRIES, failing)).toBe("ack");
    expect(await importJob(env.DB, received.job.id)).toMatchObject({
      status: "stopped",
      stopReason: `piece 1 failed ${PIECE_TRIES} times: D1 is unavailable`,
      added: 0,
      applied: [],
      notApplied: [{ from: 2, to: 4 }],
    });
  });

  it(`applies a piece of ${PIECE_LINES} new addresses within 1,000 D1 queries`, async () => {
    const p = `count${++runs}-`;
    // An erased reader makes the import hash and look up every address too: the dearest case.
    await upload(`email\n${p}gone@example.org\n`);
    await eraseSubscriber(env.DB, `${p}gone@example.org`, new Date());
    const { received, queued } = await upload(`email,cadence,tags\n${lines(p, PIECE_LINES).join("\n")}\n`, true);
    if (received.kind !== "job") throw new Error("expected a job");
    const counted = countedD1(env.DB);
    expect(await deliver(queued[0] as ImportPieceMessage, 1, counted.db)).toBe("ack");
    const { queries } = counted.since(0);
    expect(queries).toBeLessThanOrEqual(1000);
    expect(await importJob(env.DB, received.job.id)).toMatchObject({ status: "done", added: PIECE_LINES });
  }, 60_000);
});

describe("the import API", () => {
  const post = (body: BodyInit, type = "text/csv") =>
    get("/admin/subscribers/import", { method: "POST", headers: { ...ADMIN, "Content-Type": type }, body });

  it("answers a file over one piece with 202 and the job's URL, whose JSON shows its progress", async () => {
    const res = await post(`email,cadence,tags\n${lines(`api${++runs}-`, PIECE_LINES + 1).join("\n")}\n`);
    expect(res.status).toBe(202);
    const url = res.headers.get("Location") as string;
    expect(url).toMatch(/^\/admin\/imports\/[0-9a-f-]{36}$/);
    const job = await get(url, { headers: ADMIN });
    expect(job.status).toBe(200);
    expect(await job.json()).toMatchObject({ lines: PIECE_LINES + 1, pieces: 2, reportUrl: `${url}/report.csv` });
    expect((await get("/admin/imports/nope", { headers: ADMIN })).status).toBe(404);
  }, 60_000);

  it("refuses what is not CSV or has no email column, with the field, and stores nothing", async () => {
    const jobs = () => env.DB.prepare("SELECT COUNT(*) AS n FROM import_jobs").first("n");
    const before = await jobs();
    const binary = await post(new Uint8Array([80, 75, 3, 4, 0, 0, 0, 1, 2]));
    expect(binary.status).toBe(400);
    expect(await binary.json()).toMatchObject({
      errors: [{ field: "body", reason: expect.stringContaining("not a CSV") }],
    });
    const noEmail = await post("name,cadence\nann,daily\n");
    expect(noEmail.status).toBe(400);
    expect(await noEmail.json()).toMatchObject({ errors: [{ field: "header" }] });
    // Binary data after a good header and over one piece: refused whole, nothing stored.
    const late = await post(`email\n${lines("late-", PIECE_LINES + 5).join("\n")}\n\u0000\u0001`);
    expect(late.status).toBe(400);
    expect(await jobs()).toBe(before);
  }, 60_000);
});
