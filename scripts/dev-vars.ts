// npm run dev-vars (also run by npm start and npm test): brings .dev.vars up to date with
// .dev.vars.example. A missing file is copied whole; an existing one gains each key the example has
// and it lacks, with the example's value, and keeps every value the user set. One line says what came.
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const KEY = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/;

/** The keys a dotenv file sets, with their lines (the example's comments above a key travel with it). */
function entries(text: string): Map<string, string> {
  const found = new Map<string, string>();
  let comments: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const key = KEY.exec(line)?.[1];
    if (key) {
      found.set(key, [...comments, line].join("\n"));
      comments = [];
    } else comments = line.trim().startsWith("#") ? [...comments, line] : [];
  }
  return found;
}

export function syncDevVars(root: string): string[] {
  const example = join(root, ".dev.vars.example");
  const target = join(root, ".dev.vars");
  if (!existsSync(target)) {
    copyFileSync(example, target);
    return [];
  }
  const have = readFileSync(target, "utf8");
  const present = entries(have);
  const missing = [...entries(readFileSync(example, "utf8"))].filter(([key]) => !present.has(key));
  if (missing.length === 0) return [];
  const separator = have === "" || have.endsWith("\n") ? "" : "\n";
  appendFileSync(target, `${separator}${missing.map(([, lines]) => `${lines}\n`).join("")}`);
  return missing.map(([key]) => key);
}

if (process.argv[1] === import.meta.filename) {
  const added = syncDevVars(join(import.meta.dirname, ".."));
  if (added.length) console.log(`.dev.vars: added ${added.join(", ")} from .dev.vars.example`);
}
