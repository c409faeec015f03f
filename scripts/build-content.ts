// Compiles data/ into .generated/content.json, which the Worker imports.
// Runs before `wrangler dev`/`deploy` (wrangler.toml [build]) and before the tests.
// A bad file stops the build with one line per problem: `file: field: reason`.
// BRIEFWIRE_DATA points at another content folder (the benchmark uses one with 2,000 briefings).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ContentError, compileContent, type SourceFile } from "../src/content/compile.ts";

const root = join(import.meta.dirname, "..");
const dataDir = process.env.BRIEFWIRE_DATA ?? join(root, "data");
const outFile = join(root, ".generated", "content.json");

function read(path: string): SourceFile {
  return { path: relative(root, path), text: readFileSync(path, "utf8") };
}

const briefingsDir = join(dataDir, "briefings");
const files = readdirSync(briefingsDir)
  .filter((name) => !name.startsWith("."))
  .sort()
  .map((name) => read(join(briefingsDir, name)));

try {
  const started = performance.now();
  const content = compileContent(read(join(dataDir, "site.yaml")), files);
  mkdirSync(join(root, ".generated"), { recursive: true });
  writeFileSync(outFile, JSON.stringify(content));
  const ms = (performance.now() - started).toFixed(0);
  console.log(`content: ${content.briefings.length} briefing(s), version ${content.version}, ${ms} ms`);
} catch (e) {
  if (!(e instanceof ContentError)) throw e;
  console.error(`content: ${e.problems.length} problem(s) in ${relative(root, dataDir) || "."}:`);
  for (const p of e.problems) console.error(`  ${p}`);
  process.exit(1);
}
