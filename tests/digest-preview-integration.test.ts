// The publisher sees the next mail before readers do: GET /admin/digest/preview renders the edition the
// next scheduled run will send (same choice, same template), POST /admin/digest/test mails it to one
// address — and neither leaves a trace in the edition chain or the ledger.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { siteInfoOf } from "../src/content/briefing-index.ts";
import type { Content } from "../src/content/schema.ts";
import { handleScheduled } from "../src/digest/consumer.ts";
import { seedSubscribers } from "./support/digest.ts";
import { briefingFile, compile } from "./support/fixtures.ts";
import { clearDigestHistory, deliverQueued, recordingEnv } from "./support/recorded-queues.ts";
import { ADMIN, outbox } from "./support/worker.ts";

const HOUR = 3_600_000;
const iso = (t: number) => new Date(t).toISOString();

function briefing(slug: string, published: number, tags: string[]) {
  return briefingFile(slug, {
    title: `Briefing ${slug} — “quoted” €`,
    published: iso(published),
    summary: `About ${slug}.`,
    tags,
    outcomes: [{ id: "outcome", headline: `What ${slug} decided.` }],
  });
}

const content: Content = compile(
  briefing("alpha", Date.now() - 2 * HOUR, ["east"]),
  briefing("beta", Date.now() - HOUR, ["west"]),
);

async function call(path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await createApp(siteInfoOf(content), { briefingIndex: async () => content }).fetch(
    new Request(`http://localhost:8787${path}`, init),
    recordingEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

const preview = (query: string, headers: Record<string, string> = ADMIN) =>
  call(`/admin/digest/preview?${query}`, { headers });

const testSend = (body: unknown) =>
  call("/admin/digest/test", {
    method: "POST",
    headers: { ...ADMIN, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

/** Every row of the tables an edition writes. */
async function chainState() {
  const state: Record<string, unknown[]> = {};
  for (const table of [
    "editions",
    "edition_briefings",
    "edition_variants",
    "edition_chunks",
    "deliveries",
    "briefings_seen",
  ]) {
    state[table] = (await env.DB.prepare(`SELECT * FROM ${table}`).all()).results;
  }
  return state;
}

/** The scheduled run at `at`, and everything it queued through the queue consumer. */
async function scheduledRun(at: number, cron: string) {
  await handleScheduled(createScheduledController({ scheduledTime: at, cron }), recordingEnv, content);
  await deliverQueued(content);
}

const errorsOf = async (res: Response) =>
  ((await res.json()) as { errors: { field: string; reason: string }[] }).errors;

let story = 0;
beforeEach(async () => {
  story++;
  await clearDigestHistory();
});

describe("GET /admin/digest/preview", () => {
  it("shows the next daily edition with its subject and recipients, creating nothing, and the real run sends exactly that", async () => {
    const readers = await seedSubscribers({ prefix: `pv${story}-`, count: 3, cadence: "daily" });
    await seedSubscribers({ prefix: `pw${story}-`, count: 2, cadence: "weekly" });
    const before = await chainState();

    const res = await preview("cadence=daily");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const edition = res.headers.get("X-Digest-Edition") as string;
    const runAt = res.headers.get("X-Digest-Run-At") as string;
    expect(new Date(runAt).getUTCHours()).toBe(7);
    expect(Date.parse(runAt)).toBeGreaterThan(Date.now());
    expect(edition).toBe(`daily-${runAt.slice(0, 10)}`);
    expect(res.headers.get("X-Digest-Items")).toBe("2");
    expect(res.headers.get("X-Digest-Recipients")).toBe("3");
    const subject = decodeURIComponent(res.headers.get("X-Digest-Subject") as string);
    expect(subject).toContain("Briefing beta — “quoted” €");
    const html = await res.text();
    expect(html).toContain("What alpha decided.");
    expect(html).toContain("What beta decided.");
    expect(html).not.toContain("%%");

    expect(await chainState()).toEqual(before);

    // The scheduled run at that time sends that edition, with that subject, to those readers.
    await scheduledRun(Date.parse(runAt), "0 7 * * *");
    const sent = (await outbox()).filter((m) => readers.includes(m.to));
    expect(sent.map((m) => m.to).sort()).toEqual([...readers].sort());
    expect(new Set(sent.map((m) => m.subject))).toEqual(new Set([subject]));
    expect(sent[0]?.text).toContain(`/digests/${edition}`);

    // Now there is nothing new for the next one.
    const after = await preview("cadence=daily&format=json");
    expect(await after.json()).toMatchObject({ edition, items: [], subject: null, html: null });
    const empty = await preview("cadence=daily&format=text");
    expect(empty.headers.get("X-Digest-Items")).toBe("0");
    expect(await empty.text()).toMatch(/^Nothing new to send/);
  });

  it("renders the text part, one reader's topics, and the instant and weekly cadences", async () => {
    const text = await preview("cadence=daily&format=text&topics=west");
    expect(text.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(text.headers.get("X-Digest-Items")).toBe("1");
    const body = await text.text();
    expect(body).toContain("What beta decided.");
    expect(body).not.toContain("What alpha decided.");

    const instant = await preview("cadence=instant&format=json");
    const p = (await instant.json()) as { edition: string; runAt: string; items: string[] };
    expect(p.edition).toMatch(/^instant-\d{8}T\d{4}Z$/);
    expect(Date.parse(p.runAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(p.items.sort()).toEqual(["alpha", "beta"]);

    const weekly = await preview("cadence=weekly&format=json");
    expect(new Date(((await weekly.json()) as { runAt: string }).runAt).getUTCDay()).toBe(1);
  });

  it("answers 400 naming the field for a bad cadence, topic or format, and 401 without the admin token", async () => {
    expect(await errorsOf(await preview("cadence=hourly"))).toEqual([
      { field: "cadence", reason: 'must be "instant", "daily" or "weekly"' },
    ]);
    expect((await errorsOf(await preview(""))).map((e) => e.field)).toEqual(["cadence"]);
    expect((await errorsOf(await preview("cadence=daily&topics=east,nowhere")))[0]?.field).toBe("topics");
    expect((await errorsOf(await preview("cadence=daily&format=pdf")))[0]?.field).toBe("format");
    expect((await preview("cadence=daily", {})).status).toBe(401);
  });
});

describe("POST /admin/digest/test", () => {
  it("mails the preview to one address, marked as a test, through the transport, and records no edition", async () => {
    await seedSubscribers({ prefix: `ts${story}-`, count: 2, cadence: "daily" });
    const before = await chainState();
    const res = await testSend({ to: "Me@Example.org", cadence: "daily" });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ sent: true, to: "Me@example.org", items: 2, recipients: 2, cadence: "daily" });
    const mails = (await outbox()).filter((m) => m.to === "Me@example.org");
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe(answer.subject);
    expect(mails[0]?.subject).toMatch(/^\[Test\] .*Briefing beta/);
    expect(mails[0]?.text).toContain("What alpha decided.");
    expect(mails[0]?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(await chainState()).toEqual(before);

    // Asked again, sent again: a test is not an edition, so nothing makes it "already sent".
    expect((await testSend({ to: "me@example.org", cadence: "daily", topics: ["east"] })).status).toBe(200);
    const again = (await outbox()).filter((m) => m.to === "me@example.org");
    expect(again).toHaveLength(1);
    expect(again[0]?.text).not.toContain("What beta decided.");
  });

  it("answers 400 problem+json naming the field for bad input, and items: 0 when there is nothing new", async () => {
    const bad = await testSend({ to: "not an address", cadence: "daily" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("Content-Type")).toContain("application/problem+json");
    expect((await errorsOf(bad))[0]?.field).toBe("to");
    expect((await errorsOf(await testSend({ to: "me@example.org" })))[0]?.field).toBe("cadence");
    expect((await errorsOf(await testSend({ cadence: "daily" })))[0]?.field).toBe("to");
    expect(
      (await errorsOf(await testSend({ to: "me@example.org", cadence: "daily", topics: ["nowhere"] })))[0]?.field,
    ).toBe("topics");
    expect((await outbox()).length).toBe(0);

    // Everything already went out on the weekly cadence: nothing new to test.
    const { runAt } = (await (await preview("cadence=weekly&format=json")).json()) as { runAt: string };
    await scheduledRun(Date.parse(runAt), "0 7 * * *");
    const nothing = await testSend({ to: "me@example.org", cadence: "weekly" });
    expect(nothing.status).toBe(200);
    expect(await nothing.json()).toMatchObject({ sent: false, items: 0 });
    expect((await outbox()).filter((m) => m.to === "me@example.org")).toHaveLength(0);
  });
});
