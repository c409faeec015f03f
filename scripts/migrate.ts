// npm run migrate [-- --remote | --persist-to DIR]: applies the D1 migrations (local by default), with
// the repairs of scripts/upgrade-repairs.ts around them, and prints one summary line instead of
// wrangler's table (wrangler's own output is shown when it fails).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPAIRS } from "./upgrade-repairs.ts";

const root = join(import.meta.dirname, "..");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

export function migrate(target: string[]): string {
  const where = target.includes("--remote") ? target : ["--local", ...target];
  const wrangler = (args: string[]) =>
    execFileSync("wrangler", ["d1", ...args, "DB", ...where], {
      cwd: root,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  // Each wrangler call costs a second or two: the statements of one look-up go in one call.
  const query = (sql: string): Record<string, unknown>[][] =>
    (JSON.parse(wrangler(["execute", "--json", "--command", sql])) as { results: Record<string, unknown>[] }[]).map(
      (r) => r.results ?? [],
    );
  const names = (rows: Record<string, unknown>[] = []) => new Set(rows.map((r) => String(r.name)));
  const runFile = (sql: string) => {
    const dir = mkdtempSync(join(tmpdir(), "briefwire-repair-"));
    try {
      writeFileSync(join(dir, "repair.sql"), sql);
      wrangler(["execute", "--file", join(dir, "repair.sql")]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  /** The migrations applied, and the tables a repair set aside. */
  const state = () => {
    const [tables] = query("SELECT name FROM sqlite_master WHERE type = 'table'");
    if (!names(tables).has("d1_migrations")) return { applied: new Set<string>(), tables: names(tables) };
    return { applied: names(query("SELECT name FROM d1_migrations")[0]), tables: names(tables) };
  };

  const before = state().applied;
  const repairs = REPAIRS.filter((r) => r.needed(before));
  for (const repair of repairs) {
    console.log(`migrations: repairing: ${repair.why}`);
    runFile(repair.before);
  }
  try {
    wrangler(["migrations", "apply"]);
  } catch (e) {
    const failure = e as { stdout?: string; stderr?: string };
    process.stderr.write(`${failure.stdout ?? ""}${failure.stderr ?? ""}`);
    throw new Error("migrations failed (see above): those before the failing one are applied, none after it");
  }
  let after = state();
  const aside = REPAIRS.filter((r) => after.tables.has(r.asideTable));
  for (const repair of aside) runFile(repair.after);
  if (aside.length) after = state();
  const now = after.applied;
  const added = [...now].filter((n) => !before.has(n)).sort();
  return added.length
    ? `migrations: applied ${added.length} (${added.join(", ")}); ${now.size} in all`
    : `migrations: up to date (${now.size} applied)`;
}

if (process.argv[1] === import.meta.filename) {
  try {
    console.log(migrate(process.argv.slice(2)));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
