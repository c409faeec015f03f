// Rendering a digest variant: once per edition and variant, personal links substituted afterwards,
// and never over the size at which Gmail clips a mail.
import { describe, expect, it } from "vitest";
import { digestSubject } from "../emails/Digest.tsx";
import {
  MAX_HTML_BYTES,
  PREFERENCES_PLACEHOLDER,
  personalise,
  renderVariant,
  UNSUBSCRIBE_PLACEHOLDER,
} from "../src/digest/render.ts";
import { briefingFile, compile, SEED_FILE } from "./support/fixtures.ts";

const BASE = "https://briefs.example.net";
const edition = { id: "weekly-2026-11-30", cadence: "weekly" as const, to: new Date("2026-11-30T07:00:00Z") };

describe("a digest variant", () => {
  it("names the briefings in the subject", () => {
    expect(digestSubject("briefwire", ["One"])).toBe("briefwire: One");
    expect(digestSubject("briefwire", ["One", "Two"])).toBe("briefwire: One · Two");
    expect(digestSubject("briefwire", ["One", "Two", "Three"])).toBe("briefwire: One + 2 more");
    expect(digestSubject("briefwire", ["x".repeat(300)]).length).toBeLessThanOrEqual(120);
  });

  it("is rendered with placeholders that personalise() replaces in HTML and text", async () => {
    const content = compile(SEED_FILE);
    const variant = await renderVariant(content, BASE, edition, content.briefings);
    for (const part of [variant.html, variant.text]) {
      expect(part).toContain(UNSUBSCRIBE_PLACEHOLDER);
      expect(part).toContain(PREFERENCES_PLACEHOLDER);
    }
    const mine = personalise(variant, {
      unsubscribeUrl: `${BASE}/unsubscribe/u.1.x`,
      preferencesUrl: `${BASE}/preferences/p.1.x`,
    });
    expect(mine.html).toContain(`href="${BASE}/unsubscribe/u.1.x"`);
    expect(mine.text).toContain(`${BASE}/preferences/p.1.x`);
    expect(mine.html + mine.text).not.toContain("%%");
    expect(mine.html).toContain(`${BASE}/digests/weekly-2026-11-30`);
  });

  it("stays under 90 KB for a long edition: the oldest briefings become links to the web copy", async () => {
    const long = "A long line of detail that makes each outcome heavy enough to fill a mail quickly. ".repeat(4);
    const files = Array.from({ length: 120 }, (_, i) =>
      briefingFile(`week-${String(i).padStart(3, "0")}`, {
        title: `Briefing number ${i} of a very busy week`,
        published: new Date(Date.UTC(2026, 10, 23) + i * 3_600_000).toISOString(),
        summary: long,
        outcomes: Array.from({ length: 5 }, (_, k) => ({
          id: `o${k}`,
          headline: `Outcome ${k} of ${i}`,
          detail: long,
        })),
      }),
    );
    const content = compile(...files);
    const variant = await renderVariant(content, BASE, edition, content.briefings);
    expect(new TextEncoder().encode(variant.html).length).toBeLessThanOrEqual(MAX_HTML_BYTES);
    // The newest are shown in full, the rest listed; none is lost.
    expect(variant.html).toContain("Briefing number 119 of a very busy week");
    expect(variant.html).toContain("Briefing number 0 of a very busy week");
    expect(variant.html).toContain(`${BASE}/briefings/week-000`);
    expect(variant.html).not.toContain(`${BASE}/briefings/week-000#o0`);
    expect(variant.text).toContain("Also published");
  });
});
