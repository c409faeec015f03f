// Edition planning, pure: windows, cadences, topics, chunking — no D1, no queue, no provider.
import { describe, expect, it } from "vitest";
import {
  batchesFor,
  cadencesDue,
  isBackfill,
  planChunks,
  regularEdition,
  tagsOfItems,
  variantFor,
  windowEdition,
} from "../src/digest/plan.ts";
import { briefingFile, compile, SEED_FILE } from "./support/fixtures.ts";

const at = (iso: string) => new Date(iso);

describe("which editions run", () => {
  it("runs daily every day and weekly on Mondays (UTC)", () => {
    expect(cadencesDue(at("2026-11-30T07:00:00Z"))).toEqual(["daily", "weekly"]); // a Monday
    expect(cadencesDue(at("2026-11-28T07:00:00Z"))).toEqual(["daily"]);
    expect(cadencesDue(at("2026-12-06T07:00:00Z"))).toEqual(["daily"]); // Sunday
  });
});

describe("which briefings an edition carries", () => {
  const content = compile(
    SEED_FILE, // published 2024-10-16T12:00:00Z
    briefingFile("later", {
      title: "Later",
      published: "2024-10-18T09:00:00Z",
      summary: "S",
      tags: ["energy"],
      outcomes: [{ id: "a", headline: "H" }],
    }),
  );
  const SEED = "nato-defence-ministers-october-2024";
  const seenAt = (iso: string) => new Map(content.briefings.map((b) => [b.slug, at(iso)]));
  const fresh = { mailed: new Set<string>(), firstSeen: seenAt("2024-10-18T09:00:00Z") };

  it("a regular run takes every briefing published by then and not yet mailed, newest first", () => {
    const e = regularEdition(content, "daily", at("2024-10-19T07:00:00Z"), fresh);
    expect(e.items.map((b) => b.slug)).toEqual(["later", SEED]);
    expect(e).toMatchObject({
      id: "daily-2024-10-19",
      from: at("2024-10-16T12:00:00Z"),
      to: at("2024-10-19T07:00:00Z"),
    });
    // Not what the cadence already mailed, however long ago it was published.
    const mailed = { ...fresh, mailed: new Set([SEED]) };
    expect(regularEdition(content, "daily", at("2024-10-19T07:00:00Z"), mailed).items.map((b) => b.slug)).toEqual([
      "later",
    ]);
    // Not what is dated after the run.
    expect(regularEdition(content, "daily", at("2024-10-17T07:00:00Z"), fresh).items.map((b) => b.slug)).toEqual([
      SEED,
    ]);
  });

  it("leaves out backfills: briefings published more than 7 days before they were first seen", () => {
    expect(isBackfill({ published: "2024-10-01T00:00:00Z" }, at("2024-10-08T00:00:00Z"))).toBe(false);
    expect(isBackfill({ published: "2024-10-01T00:00:00Z" }, at("2024-10-08T00:00:01Z"))).toBe(true);
    const late = { mailed: new Set<string>(), firstSeen: seenAt("2024-10-24T12:00:00Z") };
    expect(regularEdition(content, "weekly", at("2024-10-28T07:00:00Z"), late).items.map((b) => b.slug)).toEqual([
      "later",
    ]);
  });

  it("is one regular edition per cadence and day: runs of the same day find the same id", () => {
    const a = regularEdition(content, "daily", at("2026-11-28T07:00:00Z"), fresh);
    const b = regularEdition(content, "daily", at("2026-11-28T09:30:00Z"), fresh);
    expect(a.id).toBe(b.id);
    expect(regularEdition(content, "weekly", at("2026-11-30T07:00:00Z"), fresh).id).toBe("weekly-2026-11-30");
  });

  it("an admin window takes briefings published in [from, to] not yet mailed, backfills included", async () => {
    const late = { mailed: new Set<string>(), firstSeen: seenAt("2025-06-01T00:00:00Z") };
    const e = await windowEdition(content, "daily", at("2024-10-16T12:00:00Z"), at("2024-10-18T09:00:00Z"), late);
    expect(e.items.map((b) => b.slug)).toEqual(["later", SEED]);
    const rest = { ...late, mailed: new Set(["later"]) };
    const again = await windowEdition(content, "daily", at("2024-10-16T12:00:00Z"), at("2024-10-18T09:00:00Z"), rest);
    expect(again.items.map((b) => b.slug)).toEqual([SEED]);
    expect(
      (await windowEdition(content, "daily", at("2025-01-01T00:00:00Z"), at("2025-01-02T00:00:00Z"), late)).items,
    ).toEqual([]);
  });

  it("names an admin edition by its window and its briefings", async () => {
    const from = at("2024-10-16T00:00:00Z");
    const to = at("2024-10-17T07:00:00Z");
    const e = await windowEdition(content, "daily", from, to, fresh);
    expect(e.id).toMatch(/^daily-20241016T000000Z-20241017T070000Z-[0-9a-f]{8}$/);
    expect((await windowEdition(content, "daily", from, to, fresh)).id).toBe(e.id);
    const wider = await windowEdition(content, "daily", from, at("2024-10-19T00:00:00Z"), fresh);
    expect(wider.id.slice(-8)).not.toBe(e.id.slice(-8));
    // Asked again once its briefings went out: the same id, so the run finds the edition it started.
    const again = await windowEdition(content, "daily", from, to, { ...fresh, mailed: new Set([SEED]) });
    expect(again).toMatchObject({ id: e.id, items: [] });
    expect(
      (await windowEdition(content, "daily", at("2025-01-01T00:00:00Z"), at("2025-01-02T00:00:00Z"), fresh)).id,
    ).toBe("daily-20250101T000000Z-20250102T000000Z");
  });

  it("collects the items' tags", () => {
    expect(tagsOfItems(content.briefings)).toEqual(["defence-industry", "energy", "indo-pacific", "nato", "ukraine"]);
  });
});

describe("topic variants", () => {
  const items = [
    { slug: "a", tags: ["ukraine", "nato"] },
    { slug: "b", tags: ["energy"] },
  ];

  it("gives every item to subscribers without topics, and only matching ones otherwise", () => {
    expect(variantFor([], items)).toBe("a,b");
    expect(variantFor(["energy"], items)).toBe("b");
    expect(variantFor(["nato", "energy"], items)).toBe("a,b");
    expect(variantFor(["space"], items)).toBe("");
  });
});

describe("chunks", () => {
  const items = [{ slug: "a", tags: ["x"] }];

  it("splits recipients into calls of at most 100, numbered on from the given chunk", () => {
    const page = Array.from({ length: 250 }, (_, i) => ({ id: i + 1, topics: [] }));
    const chunks = planChunks(page, items, 7);
    expect(chunks.map((c) => c.chunk)).toEqual([7, 8, 9]);
    expect(chunks.map((c) => c.recipients.length)).toEqual([100, 100, 50]);
    expect(chunks.flatMap((c) => c.recipients.map((r) => r.id))).toEqual(page.map((r) => r.id));
  });

  it("leaves out recipients with nothing to read", () => {
    const chunks = planChunks(
      [
        { id: 1, topics: ["y"] },
        { id: 2, topics: [] },
      ],
      items,
      0,
    );
    expect(chunks).toEqual([{ chunk: 0, recipients: [{ id: 2, variant: "a" }] }]);
  });

  it("needs ⌈N/100⌉ provider calls", () => {
    expect([0, 1, 100, 101, 1000, 20_000].map(batchesFor)).toEqual([0, 1, 1, 2, 10, 200]);
  });
});
