// The publisher's admin API with real local D1: auth, CSV import and export, stats.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, get, linkIn, mailsTo, postJson } from "./support/worker.ts";

const importCsv = (csv: string, headers: Record<string, string> = ADMIN) =>
  get("/admin/subscribers/import", { method: "POST", headers: { "Content-Type": "text/csv", ...headers }, body: csv });

describe("admin auth", () => {
  it.each([
    ["no header", {}],
    ["wrong token", { Authorization: "Bearer nope" }],
    ["wrong scheme", { Authorization: "Basic ZGV2LWFkbWluLXRva2Vu" }],
  ])("%s → 401 with WWW-Authenticate, nothing done", async (_, headers) => {
    for (const path of ["/admin/stats", "/admin/subscribers.csv"]) {
      const res = await get(path, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
    }
    const res = await importCsv("email\nsneaky@example.org\n", headers);
    expect(res.status).toBe(401);
    expect(await env.DB.prepare("SELECT 1 FROM subscribers WHERE email = 'sneaky@example.org'").first()).toBeNull();
  });
});

describe("CSV import", () => {
  it("adds valid rows as confirmed with consent source import, and reports bad rows by line", async () => {
    const csv = [
      "email,cadence,tags",
      "ann@example.org,weekly,ukraine;nato",
      "not-an-address,daily,",
      "bob@example.org,,",
      "carl@example.org,hourly,",
      "ANN@example.org,daily,",
      "dora@example.org,daily,Bad Tag",
      "",
      "eve@exämple.org,daily,ukraine",
    ].join("\n");
    const res = await importCsv(csv);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      added: 3,
      updated: 0,
      invalid: [
        { line: 3, reason: "email must look like name@example.org" },
        { line: 5, reason: 'cadence must be "instant", "daily" or "weekly"' },
        { line: 6, reason: "duplicate of line 2" },
        { line: 7, reason: 'tags: "bad tag" is not a topic slug' },
      ],
      skipped: [],
    });
    const ann = await env.DB.prepare("SELECT * FROM subscribers WHERE email = 'ann@example.org'").first();
    expect(ann).toMatchObject({
      status: "confirmed",
      cadence: "weekly",
      topics: '["nato","ukraine"]',
      consent_source: "import",
    });
    expect(ann?.confirmed_at).toBeTruthy();
  });

  it("updates existing subscribers and never re-subscribes someone who left", async () => {
    await importCsv("email,cadence,tags\nfran@example.org,daily,\ngus@example.org,daily,\n");
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE email = 'gus@example.org'").run();
    const res = await importCsv(
      "email,cadence,tags\nfran@example.org,weekly,nato\ngus@example.org,weekly,\nhal@example.org,,\n",
    );
    const body = (await res.json()) as { added: number; updated: number; skipped: { line: number }[] };
    expect(body.added).toBe(1);
    expect(body.updated).toBe(1);
    expect(body.skipped.map((s) => s.line)).toEqual([3]);
    expect(
      await env.DB.prepare("SELECT status, cadence FROM subscribers WHERE email = 'gus@example.org'").first(),
    ).toEqual({
      status: "unsubscribed",
      cadence: "daily",
    });
    expect(
      await env.DB.prepare("SELECT cadence, topics FROM subscribers WHERE email = 'fran@example.org'").first(),
    ).toEqual({
      cadence: "weekly",
      topics: '["nato"]',
    });
  });

  it("leaves a subscriber pending from the form to confirm on their own", async () => {
    await postJson("/subscribe", { email: "ivy@example.org" });
    await mailsTo("ivy@example.org");
    const res = await importCsv("email\nivy@example.org\n");
    expect(((await res.json()) as { updated: number }).updated).toBe(0);
    expect(
      await env.DB.prepare("SELECT status, consent_source FROM subscribers WHERE email = 'ivy@example.org'").first(),
    ).toEqual({
      status: "pending",
      consent_source: "api",
    });
  });

  it("imports a list larger than one statement and one batch (chunked under D1's 100 parameters)", async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => `bulk${i}@example.org,${i % 2 ? "weekly" : "daily"},`);
    const res = await importCsv(`email,cadence,tags\n${rows.join("\n")}\n`);
    expect(await res.json()).toMatchObject({ added: 2500, updated: 0, invalid: [], skipped: [] });
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM subscribers WHERE email LIKE 'bulk%'").first<{
      n: number;
    }>())!;
    expect(n).toBe(2500);
  });

  it("refuses a file without the header, with an unknown column, or of another type", async () => {
    expect((await importCsv("ann@example.org,daily,\n")).status).toBe(400);
    const extra = await importCsv("email,cadence,tags,password\nx@example.org,,,hunter2\n");
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as { errors: { reason: string }[] }).errors[0]?.reason).toContain("password");
    const json = await get("/admin/subscribers/import", {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "application/json" },
      body: "[]",
    });
    expect(json.status).toBe(415);
  });
});

describe("export and stats", () => {
  it("exports every subscriber as CSV, with formula-looking cells defused", async () => {
    await importCsv('email,cadence,tags\n"=cmd@example.org",daily,ukraine;nato\n');
    const res = await get("/admin/subscribers.csv", { headers: ADMIN });
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe(
      "email,cadence,tags,status,created_at,consent_at,consent_source,confirmed_at,unsubscribed_at,suppressed_at,suppressed_reason,language",
    );
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM subscribers").first<{ n: number }>())!;
    expect(lines.length - 1).toBe(n);
    expect(lines.find((l) => l.includes("cmd@example.org"))).toMatch(
      /^'=cmd@example\.org,daily,nato;ukraine,confirmed,/,
    );
  });

  it("counts subscribers by status and cadence", async () => {
    await postJson("/subscribe", { email: "stats-pending@example.org" });
    await mailsTo("stats-pending@example.org");
    const stats = (await (await get("/admin/stats", { headers: ADMIN })).json()) as {
      total: number;
      byStatus: Record<string, number>;
      confirmedByCadence: Record<string, number>;
    };
    const count = async (where: string) =>
      (await env.DB.prepare(`SELECT COUNT(*) AS n FROM subscribers WHERE ${where}`).first<{ n: number }>())!.n;
    expect(stats.total).toBe(await count("1"));
    expect(stats.byStatus.pending).toBe(await count("status = 'pending'"));
    expect(stats.byStatus.confirmed).toBe(await count("status = 'confirmed'"));
    expect(stats.confirmedByCadence.weekly).toBe(await count("status = 'confirmed' AND cadence = 'weekly'"));
    expect(stats.byStatus.pending).toBeGreaterThan(0);
  });
});

describe("the outbox", () => {
  it("shows each mail as a reader would: HTML in a sandboxed frame, text part and headers", async () => {
    await postJson("/subscribe", { email: "outbox@example.org" });
    const [mail] = await mailsTo("outbox@example.org");
    const page = await get("/outbox");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`src="/outbox/${mail!.id}/html"`);
    expect(html).toContain("Confirm your subscription to briefwire");
    expect(page.headers.get("Content-Security-Policy")).toContain("frame-src 'self'");

    const part = await get(`/outbox/${mail!.id}/html`);
    expect(await part.text()).toBe(mail!.html);
    const csp = part.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("sandbox");
    expect(csp).not.toContain("script-src");
    expect(linkIn(mail!.text, "confirm")).toMatch(/^\/confirm\//);
  });

  it("lists messages newest first as JSON with the contract's fields, and the sender as the HTML outbox shows", async () => {
    const res = await get("/outbox.json");
    const { messages } = (await res.json()) as { messages: Record<string, unknown>[] };
    expect(Object.keys(messages[0]!).sort()).toEqual([
      "created_at",
      "from",
      "headers",
      "html",
      "id",
      "subject",
      "text",
      "to",
    ]);
    const times = messages.map((m) => m.created_at as string);
    expect([...times].sort().reverse()).toEqual(times);
  });
});

describe("run now", () => {
  it("runs an instant edition like a daily or weekly one, and names every cadence when given another", async () => {
    const run = (body: unknown) =>
      get("/admin/digest/run", {
        method: "POST",
        headers: { ...ADMIN, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const instant = await run({ cadence: "instant" });
    expect(instant.status).toBe(200);
    expect(await instant.json()).toMatchObject({ edition: expect.stringContaining("instant"), items: 0 });
    const hourly = await run({ cadence: "hourly" });
    expect(hourly.status).toBe(400);
    expect(((await hourly.json()) as { errors: unknown[] }).errors).toEqual([
      { field: "cadence", reason: 'must be "instant", "daily" or "weekly"' },
    ]);
  });
});
