// Every relative link in the README and the docs pages resolves: the file exists, and a #fragment names
// a heading of that file (as GitHub makes heading ids). Pages move; links must not rot.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const pages = [
  "README.md",
  "CHANGELOG.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** GitHub's heading id: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");

function headings(file: string): Set<string> {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug((m[1] as string).replace(/`/g, ""))));
}

it("every relative link in the README and docs/ resolves, fragments included", () => {
  const broken: string[] = [];
  for (const page of pages) {
    const text = readFileSync(join(root, page), "utf8").replace(/```[\s\S]*?```/g, "");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!target || /^(https?:|mailto:)/.test(target)) continue;
      const [path, fragment] = target.split("#") as [string, string | undefined];
      const file = path ? join(root, dirname(page), path) : join(root, page);
      if (!existsSync(file)) broken.push(`${page}: ${target} (no file ${relative(root, file)})`);
      else if (fragment && file.endsWith(".md") && !headings(file).has(fragment))
        broken.push(`${page}: ${target} (no heading #${fragment})`);
    }
  }
  expect(broken).toEqual([]);
});

it("the README fits on a few screens and links every docs page", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  expect(readme.split("\n").length).toBeLessThan(120);
  for (const page of pages.filter((p) => p.startsWith("docs/"))) expect(readme).toContain(`](${page})`);
});
