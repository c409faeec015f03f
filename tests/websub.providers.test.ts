// WebSub: feeds advertise the hub, and the cron pings it for every feed that shows a new briefing —
// once, and again only after a failure or for newer content.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parseAtomFeed, parseRssFeed } from "feedsmith";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createDocumentApp } from "../src/documents/app.ts";
import worker from "../src/index.ts";
import { announceNewContent } from "../src/websub/ping.ts";
import { briefingFile, compile, SEED_FILE } from "./support/fixtures.ts";
import { SITE } from "./support/worker.ts";

const hub = env.HUB_URL;
const pings = async () =>
  (
    (await (await fetch(`${hub}/__hub/state`)).json()) as {
      pings: { mode: string; url: string; contentType: string }[];
    }
  ).pings;

beforeEach(async () => {
  await fetch(`${hub}/__hub/reset`, { method: "POST" });
  await env.DB.prepare("DELETE FROM websub_state").run();
});

async function fireCron(cron: string, at: string) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.parse(at), cron }), env, ctx);
  await waitOnExecutionContext(ctx);
}

// The feeds are built with the hub they advertise (the build reads WEBSUB_HUB); over HTTP, with the
// Link headers too, in static-documents.node.test.ts.
describe("hub discovery", () => {
  it("every feed format names the hub", async () => {
    const documents = createDocumentApp(compile(SEED_FILE), { base: SITE, hub });
    const get = (path: string) => documents.request(path);
    const rss = await (await get("/feed.xml")).text();
    expect(rss).toContain(`<atom:link rel="hub" href="${hub}"/>`);
    const atom = parseAtomFeed(await (await get("/tags/ukraine/atom.xml")).text());
    expect(atom.links?.find((l) => l.rel === "hub")?.href).toBe(hub);
    const json = (await (await get("/outcomes/feed.json")).json()) as { hubs: { type: string; url: string }[] };
    expect(json.hubs).toEqual([{ type: "WebSub", url: hub }]);
    expect(parseRssFeed(rss).title).toBe("briefwire");
  });
});

describe("publishing", () => {
  it("the cron pings the hub for every feed showing the new briefing, with hub.mode=publish", async () => {
    await fireCron("*/15 * * * *", "2024-10-16T12:15:00Z");
    const got = await pings();
    expect(got.every((p) => p.mode === "publish" && p.contentType === "application/x-www-form-urlencoded")).toBe(true);
    const urls = got.map((p) => p.url).sort();
    const prefixes = ["", "/outcomes", "/tags/defence-industry", "/tags/indo-pacific", "/tags/nato", "/tags/ukraine"];
    expect(urls).toEqual(
      prefixes.flatMap((p) => ["feed.xml", "atom.xml", "feed.json"].map((f) => `${SITE}${p}/${f}`)).sort(),
    );
  });

  it("does not ping again for content already announced", async () => {
    await fireCron("*/15 * * * *", "2024-10-16T12:15:00Z");
    await fireCron("*/15 * * * *", "2024-10-16T12:30:00Z");
    expect((await pings()).length).toBe(18);
  });

  it("pings again on the next run when the hub failed", async () => {
    await fetch(`${hub}/__hub/fail`, { method: "POST", body: "1" });
    await fireCron("*/15 * * * *", "2024-10-16T12:15:00Z");
    expect((await pings()).length).toBe(17); // one refused
    await fireCron("*/15 * * * *", "2024-10-16T12:30:00Z");
    expect((await pings()).length).toBe(17 + 18);
  });

  it("announces only the feeds a newer briefing appears in", async () => {
    const seedOnly = compile(SEED_FILE);
    await announceNewContent(env.DB, seedOnly, SITE, hub, new Date("2024-10-17T00:00:00Z"));
    await fetch(`${hub}/__hub/reset`, { method: "POST" });
    const later = compile(
      SEED_FILE,
      briefingFile("energy-update", {
        title: "Energy",
        published: "2024-10-20T09:00:00Z",
        summary: "S",
        tags: ["energy"],
        outcomes: [{ id: "a", headline: "H" }],
      }),
    );
    const result = await announceNewContent(env.DB, later, SITE, hub, new Date("2024-10-20T09:15:00Z"));
    expect(result.failed).toEqual([]);
    expect((await pings()).map((p) => p.url).sort()).toEqual(
      ["", "/outcomes", "/tags/energy"]
        .flatMap((p) => ["feed.xml", "atom.xml", "feed.json"].map((f) => `${SITE}${p}/${f}`))
        .sort(),
    );
  });

  it("waits for a briefing dated in the future", async () => {
    await announceNewContent(env.DB, compile(SEED_FILE), SITE, hub, new Date("2024-10-15T00:00:00Z"));
    expect(await pings()).toEqual([]);
  });
});

describe("the digest does not depend on WebSub", () => {
  it("a D1 error in the WebSub step neither stops the 07:00 digest nor the sweeper", async () => {
    // D1 fails for the WebSub bookkeeping only.
    const db = new Proxy(env.DB, {
      get(target, key) {
        if (key === "prepare") {
          return (sql: string) => {
            if (sql.includes("websub_state")) throw new Error("D1_ERROR: no such table: websub_state");
            return target.prepare(sql);
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const broken = { ...env, DB: db };
    const errors: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    const fire = async (cron: string) => {
      const ctx = createExecutionContext();
      await worker.scheduled(
        createScheduledController({ scheduledTime: Date.parse("2024-10-17T07:00:00Z"), cron }),
        broken,
        ctx,
      );
      await waitOnExecutionContext(ctx);
    };
    // At 07:00 both crons fire.
    await Promise.all([fire("0 7 * * *"), fire("*/15 * * * *")]);
    spy.mockRestore();
    expect(
      await env.DB.prepare("SELECT status FROM editions WHERE id = 'daily-2024-10-17'").first("status"),
    ).not.toBeNull();
    expect(errors.some((e) => e.includes('"step":"websub"') && e.includes("websub_state"))).toBe(true);
    expect(errors.some((e) => e.includes('"step":"sweeper"') || e.includes('"step":"digest"'))).toBe(false);
  });

  it("a hanging hub costs one short timeout: every feed is pinged at once, and retried next time", async () => {
    await fetch(`${hub}/__hub/hang`, { method: "POST" });
    const result = await announceNewContent(
      env.DB,
      compile(SEED_FILE),
      SITE,
      hub,
      new Date("2024-10-17T00:00:00Z"),
      300,
    );
    expect(result.feeds.length).toBe(18);
    expect(result.failed).toEqual(result.feeds);
    const state = (await (await fetch(`${hub}/__hub/state`)).json()) as { maxHeld: number };
    expect(state.maxHeld).toBe(18);
    // Nothing was recorded as announced: the next run pings again.
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM websub_state").first("n")).toBe(0);
  });
});
