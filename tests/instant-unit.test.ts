// The instant cadence's choices, pure: which quarter hour an alert belongs to, which briefings it
// carries, when the next run of each cadence happens, and a reader's mail without what they already got.
import { describe, expect, it } from "vitest";
import { type CadenceRecord, nextRun, planChunks, regularEdition } from "../src/digest/plan.ts";
import { briefingFile, compile } from "./support/fixtures.ts";

const T = (s: string) => new Date(s);

function content(briefings: Record<string, string>) {
  return compile(
    ...Object.entries(briefings).map(([slug, published]) =>
      briefingFile(slug, {
        title: slug,
        published,
        summary: "s",
        tags: ["t"],
        outcomes: [{ id: "o", headline: "h" }],
      }),
    ),
  );
}

function record(firstSeen: Record<string, string>, mailed: string[] = []): CadenceRecord {
  return { mailed: new Set(mailed), firstSeen: new Map(Object.entries(firstSeen).map(([k, v]) => [k, T(v)])) };
}

describe("the instant edition of a quarter hour", () => {
  const site = content({
    fresh: "2026-11-29T10:00:00Z",
    earlier: "2026-11-29T09:00:00Z",
    yesterday: "2026-11-27T09:00:00Z",
    archive: "2026-10-01T09:00:00Z",
    scheduled: "2026-11-29T12:00:00Z",
  });
  const firstSeen = {
    fresh: "2026-11-29T10:15:00Z",
    earlier: "2026-11-29T09:15:00Z",
    yesterday: "2026-11-27T09:15:00Z",
    archive: "2026-11-29T10:15:00Z",
    scheduled: "2026-11-29T10:15:00Z",
  };

  it("is named by its quarter hour, whenever in it the cron fires, and carries what appeared unmailed in the last day", () => {
    for (const at of ["2026-11-29T10:15:00Z", "2026-11-29T10:29:59Z"]) {
      const e = regularEdition(site, "instant", T(at), record(firstSeen, ["earlier"]));
      expect(e.id).toBe("instant-20261129T1015Z");
      // Not the one mailed at 09:15, nor one that appeared two days ago, nor the backfill, nor one dated later.
      expect(e.items.map((b) => b.slug)).toEqual(["fresh"]);
    }
  });

  it("takes a briefing dated in the future once its time has come", () => {
    const noon = regularEdition(site, "instant", T("2026-11-29T12:00:00Z"), record(firstSeen, ["fresh", "earlier"]));
    expect(noon.items.map((b) => b.slug)).toEqual(["scheduled"]);
  });
});

describe("the next run of each cadence", () => {
  it("is the next quarter hour, the next 07:00 UTC, the next Monday 07:00 UTC", () => {
    const sunday = T("2026-11-29T10:07:00Z");
    expect(nextRun("instant", sunday)).toEqual(T("2026-11-29T10:15:00Z"));
    expect(nextRun("daily", sunday)).toEqual(T("2026-11-30T07:00:00Z"));
    expect(nextRun("daily", T("2026-11-29T06:59:00Z"))).toEqual(T("2026-11-29T07:00:00Z"));
    expect(nextRun("weekly", sunday)).toEqual(T("2026-11-30T07:00:00Z"));
    expect(nextRun("weekly", T("2026-11-30T07:00:00Z"))).toEqual(T("2026-12-07T07:00:00Z"));
  });
});

describe("a reader's mail leaves out what they got on another cadence", () => {
  it("drops those briefings from their variant, and the reader when nothing is left", () => {
    const items = [
      { slug: "a", tags: ["t"] },
      { slug: "b", tags: ["t"] },
    ];
    const page = [
      { id: 1, topics: [] },
      { id: 2, topics: [] },
      { id: 3, topics: [] },
    ];
    const received = new Map([
      [1, new Set(["a"])],
      [2, new Set(["a", "b"])],
    ]);
    expect(planChunks(page, items, 0, received)).toEqual([
      {
        chunk: 0,
        recipients: [
          { id: 1, variant: "b" },
          { id: 3, variant: "a,b" },
        ],
      },
    ]);
  });
});
