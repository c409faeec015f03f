// Shipped migrations never change. An installation has applied every migration main has shipped, by
// file name: a renamed one runs twice, an edited one never reaches it, a removed one leaves a gap. The
// names and hashes main has shipped are in migrations/SHIPPED (npm run migrations:lock adds new ones).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = join(import.meta.dirname, "..", "migrations");

function shipped(): { hash: string; name: string }[] {
  return readFileSync(join(dir, "SHIPPED"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [hash, name] = line.split(/\s+/) as [string, string];
      return { hash, name };
    });
}

const files = () => readdirSync(dir).filter((f) => f.endsWith(".sql"));
const sha256 = (name: string) =>
  createHash("sha256")
    .update(readFileSync(join(dir, name)))
    .digest("hex");
const numberOf = (name: string) => Number.parseInt(name, 10);

describe("migrations", () => {
  it("every shipped migration is still there, under its name, byte for byte", () => {
    const present = new Set(files());
    const changed = shipped()
      .filter(({ hash, name }) => !present.has(name) || sha256(name) !== hash)
      .map(({ name }) => (present.has(name) ? `${name} was edited` : `${name} was renamed or removed`));
    expect(changed, "a shipped migration never changes: write a new one instead").toEqual([]);
  });

  it("every migration is recorded as shipped (npm run migrations:lock), numbered after the ones before it", () => {
    const locked = shipped();
    const names = new Set(locked.map((l) => l.name));
    expect(
      files().filter((f) => !names.has(f)),
      "run npm run migrations:lock",
    ).toEqual([]);
    const numbers = locked.map((l) => numberOf(l.name));
    expect(
      numbers.every((n, i) => i === 0 || n > (numbers[i - 1] as number)),
      "one number per migration, rising",
    ).toBe(true);
  });
});
