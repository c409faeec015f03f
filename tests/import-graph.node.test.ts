// The modules' imports run one way: no file reaches itself again through what it imports. A circle
// makes modules impossible to move or load alone (a shared type belongs in a module both sides import).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  // Every static import or re-export, type-only ones included: they tie modules together just the same.
  const specifiers = [...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+"(\.[^"]+)"/gms)].map((m) => m[1] as string);
  return specifiers.map((s) => relative(root, resolve(root, dirname(file), s)));
}

function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

it("has no import cycles in src/ and emails/", () => {
  const files = [...sourceFiles("src"), ...sourceFiles("emails")];
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((i) => files.includes(i))]));
  expect(graph.get("src/routes/feeds.ts")?.length, "the graph sees imports").toBeGreaterThan(3);
  expect(findCycles(graph).map((c) => c.join(" → "))).toEqual([]);
});
