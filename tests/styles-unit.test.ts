// Colour contrast of the site's stylesheet in both colour schemes, computed as WCAG 2.1 defines it:
// text 4.5:1 at least (AA). The browser audit (axe-core) checks the rendered pages too; this names
// the colour pair when one fails.
import { describe, expect, it } from "vitest";
import { SITE_CSS } from "../src/web/styles.ts";

function variables(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{3,6})/gi)].map((m) => [m[1], m[2]]));
}

const light = variables(/:root \{([^}]*)\}/.exec(SITE_CSS)?.[1] ?? "");
const dark = { ...light, ...variables(/prefers-color-scheme: dark\) \{ :root \{([^}]*)\}/.exec(SITE_CSS)?.[1] ?? "") };

/** A declaration of a rule, with var(--x) resolved in the given scheme. */
function declared(selector: string, property: string, scheme: Record<string, string>): string {
  const rule =
    new RegExp(`(?:^|\\n)${selector.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\{([^}]*)\\}`).exec(SITE_CSS)?.[1] ?? "";
  const value = new RegExp(`(?:^|[;{\\s])${property}:\\s*([^;]+);`).exec(rule)?.[1]?.trim() ?? "";
  return value.replace(/var\(--([a-z-]+)\)/g, (_, name: string) => scheme[name] ?? "?");
}

function luminance(hex: string): number {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join("")}` : hex;
  const [r, g, b] = [1, 3, 5]
    .map((i) => Number.parseInt(full.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe.each([
  ["light", light],
  ["dark", dark],
])("the %s colour scheme", (_name, scheme) => {
  it("button text on the button colour (Subscribe, Confirm, Save preferences) reaches 4.5:1", () => {
    const fg = declared("button", "color", scheme);
    const bg = declared("button", "background", scheme);
    expect(contrast(fg, bg), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
  });

  it.each([
    ["fg", "bg"],
    ["muted", "bg"],
    ["muted", "card"],
    ["accent", "bg"],
    ["accent", "card"],
    ["error", "bg"],
    ["error", "card"],
  ])("--%s on --%s reaches 4.5:1", (fg, bg) => {
    expect(
      contrast(scheme[fg] as string, scheme[bg] as string),
      `${scheme[fg]} on ${scheme[bg]}`,
    ).toBeGreaterThanOrEqual(4.5);
  });
});
