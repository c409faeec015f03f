// The digest end to end in workerd: admin run and cron → D1 edition → real local Queue → consumer →
// mail (the local outbox here; the Resend stand-in in digest-delivery tests), and the web archive.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { digestDeps } from "../src/digest/deps.ts";
import { startEdition } from "../src/digest/edition.ts";
import worker from "../src/index.ts";
import { runDigest, seedSubscribers, waitUntilDone } from "./support/digest.ts";
import { compile, SEED_FILE, SEED_SLUG } from "./support/fixtures.ts";
import { get, type OutboxMessage, outbox } from "./support/worker.ts";

const WINDOW = { from: "2024-10-16T00:00:00Z", to: "2024-10-17T07:00:00Z" };
const TITLE = "NATO Defence Ministers meet on deterrence, Ukraine and Indo-Pacific partners";

function digestsTo(messages: OutboxMessage[], edition: string) {
  return messages.filter((m) => m.html.includes(`/digests/${edition}`));
}

describe("an admin run in local mode", () => {
  it("puts one readable seed digest per matching subscriber in the outbox", async () => {
    const readers = await seedSubscribers({ prefix: "daily-reader-", count: 230 });
    const ukraine = await seedSubscribers({ prefix: "ukraine-reader-", count: 5, topics: ["ukraine"] });
    const energy = await seedSubscribers({ prefix: "energy-reader-", count: 4, topics: ["energy"] });
    const weekly = await seedSubscribers({ prefix: "weekly-reader-", count: 3, cadence: "weekly" });
    await seedSubscribers({ prefix: "gone-", count: 2, status: "unsubscribed" });

    const run = await runDigest({ cadence: "daily", ...WINDOW });
    expect(run.status).toBe(200);
    const edition = run.body.edition as string;
    expect(run.body).toEqual({ edition, items: 1, recipients: 235, batches: 3, started: true });

    const done = await waitUntilDone(edition);
    // One item, so readers with and without topics share one variant: rendered once for 235 recipients.
    expect(done).toMatchObject({ recipients: 235, chunks: 3, sent: 235, failed: 0, pending: 0, variants: 1 });

    const mails = digestsTo(await outbox(), edition);
    const to = mails.map((m) => m.to).sort();
    expect(to).toEqual([...readers, ...ukraine].sort());
    for (const other of [...energy, ...weekly]) expect(to).not.toContain(other);

    const mail = mails.find((m) => m.to === readers[0])!;
    expect(mail.subject).toBe(`briefwire: ${TITLE}`);
    expect(new TextEncoder().encode(mail.html).length).toBeLessThan(90 * 1024);
    for (const headline of [
      "standardisation",
      "wiesbaden-command",
      "ukraine-military-aid",
      "nato-ukraine-council",
      "indo-pacific-partners",
    ]) {
      expect(mail.html).toContain(`/briefings/${SEED_SLUG}#${headline}`);
    }
    expect(mail.text).toContain("Allies provided €20.9 billion of military aid to Ukraine in the first half of 2024");
    expect(mail.text).toContain("1 Example Street, 1000 Brussels");
    expect(mail.html).toContain(`http://localhost:8787/digests/${edition}`);
    // Each reader's own one-click link, in the header and visible in the body.
    const unsubscribe = /^<(.+)>$/.exec(mail.headers["List-Unsubscribe"]!)![1]!;
    expect(mail.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail.headers["List-Id"]).toBe('"briefwire briefings" <briefings.localhost>');
    expect(mail.html).toContain(`href="${unsubscribe}"`);
    expect(mail.text).toContain(unsubscribe);
    expect(mail.html).not.toContain("%%");
    const other = mails.find((m) => m.to === readers[1])!;
    expect(other.headers["List-Unsubscribe"]).not.toBe(mail.headers["List-Unsubscribe"]);

    // The link works: it is the reader's own.
    const res = await get(unsubscribe.slice("http://localhost:8787".length), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(
      await env.DB.prepare("SELECT status FROM subscribers WHERE email = ?1").bind(readers[0]).first("status"),
    ).toBe("unsubscribed");
  });

  it("running the same edition again sends nothing twice", async () => {
    const before = (await outbox()).length;
    const again = await runDigest({ cadence: "daily", ...WINDOW });
    expect(again.body).toMatchObject({ items: 1, started: false });
    await new Promise((r) => setTimeout(r, 300));
    expect((await outbox()).length).toBe(before);
  });

  it("an edition with no items answers items: 0 and sends nothing", async () => {
    const before = (await outbox()).length;
    const empty = await runDigest({ cadence: "daily", from: "2025-01-01T00:00:00Z", to: "2025-01-02T00:00:00Z" });
    expect(empty.body).toMatchObject({ items: 0, recipients: 0, batches: 0 });
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM editions WHERE items = '[]'").first("n")).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect((await outbox()).length).toBe(before);
  });

  it("rejects a bad run request with the field", async () => {
    const bad = await runDigest({ cadence: "hourly" });
    expect(bad.status).toBe(400);
    const backwards = await runDigest({ cadence: "daily", from: "2024-10-18T00:00:00Z", to: "2024-10-17T00:00:00Z" });
    expect(backwards.status).toBe(400);
    expect((backwards.body.errors as { field: string }[])[0]?.field).toBe("from");
  });

  it("publishes a web copy of the edition, with no personal data, and lists it", async () => {
    const { results } = await env.DB.prepare("SELECT id FROM editions ORDER BY created_at LIMIT 1").all<{
      id: string;
    }>();
    const id = results[0]!.id;
    const page = await get(`/digests/${id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(TITLE);
    expect(html).toContain('id="ukraine-military-aid"');
    expect(html).not.toMatch(/reader-\d+@|\/unsubscribe\/|\/preferences\//);
    expect(await (await get("/digests")).text()).toContain(`/digests/${id}`);
    expect((await get("/digests/no-such-edition")).status).toBe(404);
  });
});

describe("the cron", () => {
  it("on a Monday starts the weekly edition through the same path, once however often it fires", async () => {
    const weekly = await seedSubscribers({ prefix: "cron-reader-", count: 3, cadence: "weekly" });
    const fire = async () => {
      // Monday 21 October 2024, 07:00 UTC: the weekly window reaches back to the 14th and holds the seed.
      const controller = createScheduledController({
        scheduledTime: Date.parse("2024-10-21T07:00:00Z"),
        cron: "0 7 * * *",
      });
      const ctx = createExecutionContext();
      await worker.scheduled(controller, env, ctx);
      await waitOnExecutionContext(ctx);
    };
    await Promise.all([fire(), fire()]);
    const done = await waitUntilDone("weekly-2024-10-21");
    expect(done).toMatchObject({ failed: 0, recipients: 6 });
    const mails = digestsTo(await outbox(), "weekly-2024-10-21");
    const to = mails.map((m) => m.to);
    expect(new Set(to).size).toBe(to.length);
    expect(to).toEqual(expect.arrayContaining(weekly));
    // The daily edition of that Monday had nothing new since the last daily one: no edition, no mail.
    expect(await env.DB.prepare("SELECT id FROM editions WHERE id = 'daily-2024-10-21'").first()).toBeNull();
  });
});

describe("the sweeper on the 15-minute cron", () => {
  it("resumes an edition left planning by a crash right after its insert, and it completes once", async () => {
    const readers = await seedSubscribers({ prefix: "swept-", count: 120 });
    // The seed briefing was mailed on this cadence by an earlier test: forget that, so it goes out again.
    await env.DB.prepare("DELETE FROM edition_briefings WHERE cadence = 'daily'").run();
    const deps = digestDeps(env, compile(SEED_FILE));
    const crashed = { ...deps, planQueue: { send: () => Promise.reject(new Error("the isolate died here")) } };
    const window = { from: new Date("2024-10-16T01:00:00Z"), to: new Date("2024-10-17T07:00:00Z") };
    await expect(startEdition(crashed as unknown as typeof deps, "daily", window.to, window.from)).rejects.toThrow(
      "the isolate died here",
    );
    const edition = String(
      await env.DB.prepare("SELECT id FROM editions WHERE id LIKE 'daily-20241016T010000Z-20241017T070000Z-%'").first(
        "id",
      ),
    );
    // Twenty minutes pass without a move.
    await env.DB.prepare("UPDATE editions SET updated_at = ?2 WHERE id = ?1")
      .bind(edition, new Date(Date.now() - 20 * 60_000).toISOString())
      .run();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const done = await waitUntilDone(edition);
    expect(done).toMatchObject({ failed: 0, pending: 0 });
    expect(done.sent).toBe(done.recipients);
    const to = digestsTo(await outbox(), edition).map((m) => m.to);
    expect(new Set(to).size).toBe(to.length);
    expect(to).toEqual(expect.arrayContaining(readers));
  });
});
