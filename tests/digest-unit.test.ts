// Edition planning, pure: windows, cadences, topics, chunking — no D1, no queue, no provider.
import { describe, expect, it } from "vitest";
import {
  batchesFor,
  cadencesDue,
  editionWindow,
  itemsInWindow,
  planChunks,
  tagsOfItems,
  variantFor,
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

describe("edition windows", () => {
  it("starts where the last edition of the cadence ended", () => {
    const w = editionWindow("daily", at("2026-11-28T07:00:00Z"), at("2026-11-26T07:00:00Z"));
    expect(w).toEqual({
      id: "daily-2026-11-28",
      cadence: "daily",
      from: at("2026-11-26T07:00:00Z"),
      to: at("2026-11-28T07:00:00Z"),
    });
  });

  it("goes one period back for the first edition", () => {
    expect(editionWindow("daily", at("2026-11-28T07:00:00Z"), null).from).toEqual(at("2026-11-27T07:00:00Z"));
    expect(editionWindow("weekly", at("2026-11-30T07:00:00Z"), null)).toMatchObject({
      id: "weekly-2026-11-30",
      from: at("2026-11-23T07:00:00Z"),
    });
  });

  it("is deterministic: the same edition planned twice has the same id", () => {
    const a = editionWindow("daily", at("2026-11-28T07:00:00Z"), null);
    const b = editionWindow("daily", at("2026-11-28T09:30:00Z"), at("2026-11-27T07:00:00Z"));
    expect(a.id).toBe(b.id);
  });

  it("names a backfill by its explicit window", () => {
    const w = editionWindow("daily", at("2024-10-17T07:00:00Z"), null, at("2024-10-16T00:00:00Z"));
    expect(w.id).toBe("daily-20241016T000000Z-20241017T070000Z");
  });
});

describe("items in a window", () => {
  const content = compile(
    SEED_FILE,
    briefingFile("later", {
      title: "Later",
      published: "2024-10-18T09:00:00Z",
      summary: "S",
      tags: ["energy"],
      outcomes: [{ id: "a", headline: "H" }],
    }),
  );

  it("takes briefings published in (from, to], newest first", () => {
    const items = itemsInWindow(content, at("2024-10-16T00:00:00Z"), at("2024-10-19T00:00:00Z"));
    expect(items.map((b) => b.slug)).toEqual(["later", "nato-defence-ministers-october-2024"]);
    // The start is exclusive, the end inclusive: nothing is in two consecutive windows.
    expect(itemsInWindow(content, at("2024-10-16T12:00:00Z"), at("2024-10-18T09:00:00Z")).map((b) => b.slug)).toEqual([
      "later",
    ]);
  });

  it("finds nothing in an empty window", () => {
    expect(itemsInWindow(content, at("2025-01-01T00:00:00Z"), at("2025-01-02T00:00:00Z"))).toEqual([]);
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
