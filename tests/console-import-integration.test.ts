// The console's import pages with real local D1: upload a CSV from a form, follow the job's page to the
// report; bad uploads answer on the form with the field and the reason, and store nothing.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { vocabularyOf } from "../src/subscriptions/csv-import.ts";
import { consumeImportBatch, type ImportPieceMessage } from "../src/subscriptions/import-jobs.ts";
import { select } from "./support/html.ts";
import { SITE } from "./support/worker.ts";

const queued: ImportPieceMessage[] = [];
const importEnv = {
  ...env,
  IMPORT_QUEUE: { sendBatch: async (m: { body: ImportPieceMessage }[]) => void queued.push(...m.map((x) => x.body)) },
};
const site = (await import("../.generated/site.json")).default;
const app = createApp(site as never);

async function call(path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${SITE}${path}`, { redirect: "manual", ...init }), importEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** Hands every queued piece to the import consumer, as the queue would. */
async function deliverAll() {
  while (queued.length) {
    const body = queued.shift() as ImportPieceMessage;
    const message = { id: "m", timestamp: new Date(), body, attempts: 1, ack() {}, retry() {} };
    await consumeImportBatch(env.DB, { queue: "briefwire-import", messages: [message] } as never, vocabularyOf(site));
  }
}

let cookie = "";
beforeAll(async () => {
  const res = await call("/admin/sign-in", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: SITE },
    body: new URLSearchParams({ token: "dev-admin-token" }),
  });
  cookie = (res.headers.get("Set-Cookie") ?? "").split(";")[0] as string;
});

function upload(file: File, origin = SITE) {
  const form = new FormData();
  form.append("file", file);
  return call("/admin/subscribers/import", { method: "POST", headers: { Cookie: cookie, Origin: origin }, body: form });
}

const jobs = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM import_jobs").first<number>("n")) as number;

async function errorOf(res: Response) {
  const html = await res.text();
  const input = (await select(html, "input#file"))[0];
  return { text: (await select(html, "#file-error"))[0]?.text, invalid: input?.attrs["aria-invalid"] };
}

describe("the console's import", () => {
  it("shows the upload form with a labelled file field", async () => {
    const res = await call("/admin/subscribers/import", { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect((await select(html, "title"))[0]?.text).toMatch(/^Import subscribers/);
    expect((await select(html, "label[for=file]"))[0]?.text).toBe("CSV file");
    expect((await select(html, "form[enctype='multipart/form-data']")).length).toBe(1);
  });

  it("imports an uploaded CSV and the job's page reports the bad line by number and reason", async () => {
    const csv =
      "email,cadence,tags\nupload-a@example.org,daily,\nnot an address,daily,\nupload-b@example.org,weekly,nato\n";
    const res = await upload(new File([csv], "readers.csv", { type: "text/csv" }));
    expect(res.status).toBe(303);
    const jobPage = res.headers.get("Location") as string;
    expect(jobPage).toMatch(/^\/admin\/subscribers\/import\/[0-9a-f-]{36}$/);
    const before = await (await call(jobPage, { headers: { Cookie: cookie } })).text();
    expect((await select(before, "[data-field=status]"))[0]?.text).toBe("importing");
    expect((await select(before, "[data-progress-url]")).length).toBe(1);
    await deliverAll();
    const html = await (await call(jobPage, { headers: { Cookie: cookie } })).text();
    expect((await select(html, "[data-field=status]"))[0]?.text).toBe("done");
    expect((await select(html, "[data-field=added]"))[0]?.text).toBe("2");
    expect((await select(html, "[data-field=invalid]"))[0]?.text).toBe("1");
    const cells = (await select(html, "#report-lines tbody td")).map((td) => td.text);
    expect(cells).toEqual(["3", "invalid", "email must not contain spaces"]);
  });

  it("answers bad uploads on the form with the field and the reason, and stores nothing", async () => {
    const before = await jobs();
    const png = await upload(new File([new Uint8Array([137, 80, 78, 71, 0, 1])], "photo.png", { type: "image/png" }));
    expect(png.status).toBe(400);
    expect(await errorOf(png)).toEqual({
      text: expect.stringMatching(/^CSV file: is not a CSV file/),
      invalid: "true",
    });
    const binary = await upload(new File([new Uint8Array([80, 75, 3, 4, 0, 0])], "sheet.csv", { type: "text/csv" }));
    expect(binary.status).toBe(400);
    expect((await errorOf(binary)).text).toMatch(/^CSV file: is not a CSV file: it holds binary data/);
    const noEmail = await upload(new File(["name,cadence\nann,daily\n"], "names.csv", { type: "text/csv" }));
    expect(noEmail.status).toBe(400);
    expect((await errorOf(noEmail)).text).toBe(
      "CSV file, first line: the first line must be the header email,cadence,tags,language",
    );
    const huge = await call("/admin/subscribers/import", {
      method: "POST",
      headers: {
        Cookie: cookie,
        Origin: SITE,
        "Content-Type": "multipart/form-data; boundary=x",
        "Content-Length": String(65 * 1024 * 1024),
      },
      body: "--x--",
    });
    expect(huge.status).toBe(413);
    expect((await errorOf(huge)).text).toBe("CSV file: must be at most 64 MiB");
    expect(await jobs()).toBe(before);
  });

  it("refuses an upload from another site, even signed in", async () => {
    const before = await jobs();
    const res = await upload(
      new File(["email\nx@example.org\n"], "a.csv", { type: "text/csv" }),
      "https://evil.example",
    );
    expect(res.status).toBe(403);
    expect(await jobs()).toBe(before);
  });
});
