// Property: whatever happens — cron runs (some fired twice at once), 15-minute crons, admin runs with and
// without a window (some sent twice at once, some racing the run after them), deploys adding briefings dated anywhere from a month back
// to two days ahead — every briefing goes out at most once per cadence, and exactly once unless it is a
// backfill nobody asked for. Real local D1 and the Worker's own cron handler; fast-check generates the
// histories from a fixed seed and shrinks any that fails to a short one.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { Content } from "../src/content/schema.ts";
import { handleScheduled } from "../src/digest/consumer.ts";
import { digestDeps } from "../src/digest/deps.ts";
import { startEdition } from "../src/digest/edition.ts";
import { BACKFILL_AFTER_MS, type Cadence } from "../src/digest/plan.ts";
import { briefingFile, compile } from "./support/fixtures.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.parse("2025-01-06T00:00:00Z"); // a Monday
const DAYS = 10; // the history; published dates reach two days past it, and the flush comes after that

// Queues that only record: the property is about which briefings each edition carries.
const recording = { send: async () => {}, sendBatch: async () => {} } as unknown as Queue;
const testEnv = { ...env, DIGEST_QUEUE: recording, DIGEST_PLAN_QUEUE: recording };

interface Deploy {
  /** When the deploy that adds it goes live. */
  deployAt: number;
  published: number;
  /** The 15-minute cron fires after the deploy, as it does in production; otherwise the next run to come sees it. */
  watched: boolean;
}

type Run = (
  | { kind: "cron"; at: number; twice: boolean }
  | { kind: "quarter-hour"; at: number }
  | { kind: "regular"; at: number; cadence: Cadence; twice: boolean }
  | { kind: "window"; at: number; cadence: Cadence; from: number; to: number; twice: boolean }
) & {
  /** Runs at the same time as the next run, in one race (an admin run meeting the cron, two admin runs…). */
  racesNext?: boolean;
};

const cadence = fc.constantFrom<Cadence>("daily", "weekly");
const moment = fc.integer({ min: 0, max: DAYS * 24 * 60 - 1 }).map((m) => START + m * MINUTE);

const QUARTER = 15 * MINUTE;

const deploys = fc.array(
  fc
    .record({
      deployAt: moment,
      publishedBefore: fc.oneof(
        // Mostly dated around the deploy (up to two days ahead, or late by up to a week)…
        { arbitrary: fc.integer({ min: -48, max: 7 * 24 }), weight: 3 },
        // …sometimes a backfill, dated weeks before it.
        { arbitrary: fc.integer({ min: 7 * 24 + 1, max: 30 * 24 }), weight: 1 },
      ),
      watched: fc.boolean(),
    })
    .map(
      ({ deployAt, publishedBefore, watched }): Deploy => ({
        deployAt,
        published: deployAt - publishedBefore * HOUR,
        watched,
      }),
    ),
  { minLength: 1, maxLength: 10 },
);

const oneRun: fc.Arbitrary<Run> = fc.oneof(
  fc
    .record({ day: fc.integer({ min: 0, max: DAYS - 1 }), twice: fc.boolean() })
    .map(({ day, twice }) => ({ kind: "cron" as const, at: START + day * DAY + 7 * HOUR, twice })),
  moment.map((at) => ({ kind: "quarter-hour" as const, at: at - (at % QUARTER) })),
  fc.record({ kind: fc.constant("regular" as const), at: moment, cadence, twice: fc.boolean() }),
  fc
    .record({
      at: moment,
      cadence,
      toBefore: fc.integer({ min: 0, max: 72 }),
      hours: fc.integer({ min: 1, max: 40 * 24 }),
      twice: fc.boolean(),
    })
    .map(({ at, cadence, toBefore, hours, twice }) => {
      const to = at - toBefore * HOUR;
      return { kind: "window" as const, at, cadence, from: to - hours * HOUR, to, twice };
    }),
);

const run: fc.Arbitrary<Run> = fc.tuple(oneRun, fc.boolean()).map(([r, racesNext]) => ({ ...r, racesNext }));

async function forgetHistory() {
  await env.DB.batch(
    ["edition_briefings", "briefings_seen", "editions"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)),
  );
}

/** Replays the history against the digest code with the site as deployed at each moment. */
async function replay(all: Content, history: Deploy[], runs: Run[]) {
  const slugOf = (i: number) => `b${i}`;
  const deployedAt = new Map(history.map((d, i) => [slugOf(i), d.deployAt]));
  const siteAt = (t: number): Content => ({
    ...all,
    briefings: all.briefings.filter((b) => (deployedAt.get(b.slug) as number) <= t),
  });
  const once = async (r: Run) => {
    const content = siteAt(r.at);
    if (r.kind === "cron" || r.kind === "quarter-hour") {
      const cron = r.kind === "cron" ? "0 7 * * *" : "*/15 * * * *";
      await handleScheduled(createScheduledController({ scheduledTime: r.at, cron }), testEnv, content);
      return;
    }
    // What POST /admin/digest/run does, with the clock at the run's moment.
    const deps = { ...digestDeps(testEnv, content), now: () => new Date(r.at) };
    if (r.kind === "regular") await startEdition(deps, r.cadence, new Date(r.at));
    else await startEdition(deps, r.cadence, new Date(r.to), new Date(r.from));
  };
  for (let i = 0; i < runs.length; i++) {
    const race = [runs[i] as Run];
    while (race.at(-1)?.racesNext && i + 1 < runs.length) race.push(runs[++i] as Run);
    await Promise.all(race.flatMap((r) => ("twice" in r && r.twice ? [once(r), once(r)] : [once(r)])));
  }
}

function briefingsOf(history: Deploy[]): Content {
  return compile(
    ...history.map((d, i) =>
      briefingFile(`b${i}`, {
        title: `Briefing ${i}`,
        published: new Date(d.published).toISOString(),
        summary: "S.",
        tags: ["t"],
        outcomes: [{ id: "o", headline: "H" }],
      }),
    ),
  );
}

/** What the rules promise for each briefing and cadence: mailed once, or (a backfill nobody asked for) never. */
function promised(history: Deploy[], runs: Run[], c: Cadence): Map<string, number> {
  const expected = new Map<string, number>();
  history.forEach((d, i) => {
    // The site first shows it at the first scheduled step or edition start after the deploy.
    const firstSeen = Math.min(...runs.filter((r) => r.at >= d.deployAt).map((r) => r.at));
    const backfill = firstSeen - d.published > BACKFILL_AFTER_MS;
    const asked = runs.some(
      (r) =>
        r.kind === "window" && r.cadence === c && r.at >= d.deployAt && r.from <= d.published && d.published <= r.to,
    );
    expected.set(`b${i}`, !backfill || asked ? 1 : 0);
  });
  return expected;
}

async function timesMailed(c: Cadence): Promise<Map<string, number>> {
  const { results } = await env.DB.prepare("SELECT items FROM editions WHERE cadence = ?1")
    .bind(c)
    .all<{ items: string }>();
  const count = new Map<string, number>();
  for (const r of results)
    for (const slug of JSON.parse(r.items) as string[]) count.set(slug, (count.get(slug) ?? 0) + 1);
  return count;
}

describe("every briefing reaches each cadence once, whatever runs happen", () => {
  it("holds over random histories of crons, admin runs, deploys and backfills", async () => {
    // Thousands of runs: their log lines would cost more than the runs.
    vi.spyOn(console, "log").mockImplementation(() => {});
    await fc.assert(
      fc.asyncProperty(deploys, fc.array(run, { maxLength: 14 }), async (history, randomRuns) => {
        await forgetHistory();
        // Afterwards the cron of the second Monday, when every briefing is published: daily and weekly.
        const flush: Run[] = [{ kind: "cron", at: START + 14 * DAY + 7 * HOUR, twice: false }];
        const watching: Run[] = history
          .filter((d) => d.watched)
          .map((d) => ({ kind: "quarter-hour", at: d.deployAt - (d.deployAt % QUARTER) + QUARTER }));
        const story = [...randomRuns, ...watching].sort((a, b) => a.at - b.at);
        // The flush comes after everything, racing nothing.
        const last = story.at(-1);
        if (last) story[story.length - 1] = { ...last, racesNext: false };
        const runs = story.concat(flush);
        await replay(briefingsOf(history), history, runs);
        for (const c of ["daily", "weekly"] as const) {
          const mailed = await timesMailed(c);
          const expected = promised(history, runs, c);
          for (const [slug, times] of expected)
            expect({ cadence: c, slug, times: mailed.get(slug) ?? 0 }).toEqual({ cadence: c, slug, times });
        }
      }),
      { seed: 20261129, numRuns: 30 },
    );
  }, 60_000);
});
