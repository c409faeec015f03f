// npm run migrations:lock — records each new migration in migrations/SHIPPED (sha256sum's format), so a
// later rename, edit or removal of a migration main has shipped fails the tests
// (tests/migrations-lock.node.test.ts). It only appends: a line once written is never changed here.
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(import.meta.dirname, "..", "migrations");
const lock = join(dir, "SHIPPED");
const locked = new Set(
  existsSync(lock)
    ? readFileSync(lock, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split(/\s+/)[1])
    : [],
);
const added: string[] = [];
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith(".sql"))
  .sort()) {
  if (locked.has(name)) continue;
  const hash = createHash("sha256")
    .update(readFileSync(join(dir, name)))
    .digest("hex");
  appendFileSync(lock, `${hash}  ${name}\n`);
  added.push(name);
}
console.log(added.length ? `migrations/SHIPPED: added ${added.join(", ")}` : "migrations/SHIPPED: nothing new");
