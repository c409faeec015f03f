// Local settings arrive: a key added to .dev.vars.example later reaches an existing .dev.vars, and a
// value the user set there is never changed.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { syncDevVars } from "../scripts/dev-vars.ts";

function checkout(example: string, devVars?: string): string {
  const root = mkdtempSync(join(tmpdir(), "dev-vars-"));
  writeFileSync(join(root, ".dev.vars.example"), example);
  if (devVars !== undefined) writeFileSync(join(root, ".dev.vars"), devVars);
  return root;
}

const example =
  "# the admin token\nADMIN_TOKEN=dev-admin-token\n# a local webhook secret\nRESEND_WEBHOOK_SECRET=whsec_x\n";

it("a new checkout gets the example whole", () => {
  const root = checkout(example);
  expect(syncDevVars(root)).toEqual([]);
  expect(readFileSync(join(root, ".dev.vars"), "utf8")).toBe(example);
});

it("an existing .dev.vars gains the keys it lacks, with their comments, and keeps the user's values", () => {
  const root = checkout(example, "ADMIN_TOKEN=my-own-token");
  expect(syncDevVars(root)).toEqual(["RESEND_WEBHOOK_SECRET"]);
  expect(readFileSync(join(root, ".dev.vars"), "utf8")).toBe(
    "ADMIN_TOKEN=my-own-token\n# a local webhook secret\nRESEND_WEBHOOK_SECRET=whsec_x\n",
  );
  expect(syncDevVars(root), "a second run adds nothing").toEqual([]);
});

it("a key the user emptied on purpose stays empty", () => {
  const root = checkout(example, "ADMIN_TOKEN=\nRESEND_WEBHOOK_SECRET=\n");
  expect(syncDevVars(root)).toEqual([]);
  expect(readFileSync(join(root, ".dev.vars"), "utf8")).toBe("ADMIN_TOKEN=\nRESEND_WEBHOOK_SECRET=\n");
});
