// The save benchmark edits a generated briefing the way a writer would: with 1,000 briefings its
// edit once replaced only the first line of a title folded over two, left a broken file, and waited
// forever for a change npm start had (rightly) refused to build.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { generateBriefings } from "../bench/generate.ts";
import { retitled } from "../bench/save-to-served.ts";
import { ContentError, compileContent } from "../src/content/compile.ts";

const data = mkdtempSync(join(tmpdir(), "briefwire-generated-"));
afterAll(() => rmSync(data, { recursive: true, force: true }));

it("retitles a generated briefing whose title is folded over several lines into a file that builds", () => {
  generateBriefings(data, 40);
  const site = { path: "data/site.yaml", text: readFileSync(join(data, "site.yaml"), "utf8") };
  const files = readdirSync(join(data, "briefings")).map((name) => ({
    path: `data/briefings/${name}`,
    text: readFileSync(join(data, "briefings", name), "utf8"),
  }));
  const folded = files.find((f) => /^title: .*\n {2}\S/m.test(f.text));
  expect(folded, "the generator folds some long titles").toBeDefined();
  if (!folded) return;
  // The old edit: the title's first line only, the rest of it left dangling.
  const lineOnly = { ...folded, text: folded.text.replace(/^title: .*$/m, 'title: "Saved edit 1"') };
  expect(() => compileContent(site, [lineOnly])).toThrow(ContentError);

  const edited = { ...folded, text: retitled(folded.text, "Saved edit 1") };
  const content = compileContent(site, [edited]);
  expect(content.briefings[0]?.title).toBe("Saved edit 1");
  const before = compileContent(site, [folded]).briefings[0];
  expect({ ...content.briefings[0], title: "" }).toEqual({ ...before, title: "" });
});
