// EXPLAIN QUERY PLAN for statements a test captured (tests/support/counted-d1.ts), and the rule that
// says whether a plan reads rows in proportion to the list.
//
// The rule, for the tables that grow with the list — subscribers and deliveries:
// 1. No full scan. `SCAN subscribers` / `SCAN deliveries` (the table, or an index walked from one end)
//    reads every row. The one exception is an index walk in a statement with a LIMIT: keyset paging
//    and bounded deletes stop after LIMIT rows.
// 2. No list read in full by a subquery. An uncorrelated subquery (`LIST SUBQUERY n`, `SCALAR
//    SUBQUERY n`, `MATERIALIZE`) runs once per statement and keeps every row it finds, however few
//    the statement then uses: `subscriber_id IN (SELECT id FROM subscribers WHERE status =
//    'confirmed')` reads every confirmed reader to freeze 100 of them. Such a subquery over these
//    tables must find its rows by a unique key (one row per value asked for), by one chunk (an
//    edition's deliveries of one chunk: at most 100 by construction) or stop at a LIMIT.
//    A correlated subquery (`CORRELATED … SUBQUERY`) runs per outer row with that row's key, which is
//    how such a filter should be written (EXISTS on the primary key).
// A SEARCH by a key that does not bound the rows (subscribers by cadence, an edition's deliveries) is
// not judged here: statements that read a cadence's readers or an edition's rows once per edition
// (the recipient count, planning's pages, the totals) cost the same per reader at any size. The
// rows-read figures per recipient catch one that runs per chunk or per reader instead.

export interface PlanLine {
  id: number;
  parent: number;
  detail: string;
}

const GROWING = ["subscribers", "deliveries"] as const;

/** Columns whose equality finds a bounded number of rows: one (a unique key), or one chunk's ≤ 100. */
const BOUNDED_KEYS: Record<(typeof GROWING)[number], string[][]> = {
  subscribers: [["rowid"], ["id"], ["email_normalized"]],
  deliveries: [
    ["edition_id", "subscriber_id"],
    ["edition_id", "chunk"],
  ],
};

/** The plan of `sql` against the migrated schema; parameters are bound as NULL (plans do not depend on them). */
export async function queryPlan(db: D1Database, sql: string): Promise<PlanLine[]> {
  const numbered = [...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1]));
  const params = numbered.length ? Math.max(...numbered) : (sql.match(/\?/g) ?? []).length;
  const { results } = await db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...Array.from({ length: params }, () => null))
    .all<PlanLine>();
  return results;
}

/** The plan as SQLite's shell prints it: one line per step, indented under its parent. */
export function formatPlan(plan: PlanLine[]): string {
  const depth = (line: PlanLine): number => {
    const parent = plan.find((p) => p.id === line.parent);
    return parent ? depth(parent) + 1 : 0;
  };
  return plan.map((line) => `${"  ".repeat(depth(line))}${line.detail}`).join("\n");
}

/** Names a statement gives the growing tables (`deliveries AS d`), so plan lines that say `d` are judged too. */
function namesOf(sql: string): Map<string, (typeof GROWING)[number]> {
  const names = new Map<string, (typeof GROWING)[number]>(GROWING.map((t) => [t, t]));
  const keywords = /^(where|set|on|join|left|inner|order|group|limit|values|using|select|and|or|returning)$/i;
  for (const m of sql.matchAll(/\b(subscribers|deliveries)\s+(?:AS\s+)?([A-Za-z_]\w*)/gi)) {
    const alias = m[2] as string;
    if (!keywords.test(alias)) names.set(alias, (m[1] as string).toLowerCase() as (typeof GROWING)[number]);
  }
  return names;
}

/** What breaks the rule in this plan, as "plan line — why"; empty when the statement is fine. */
export function planViolations(sql: string, plan: PlanLine[]): string[] {
  const names = namesOf(sql);
  const limited = /\bLIMIT\b/i.test(sql);
  const ancestors = (line: PlanLine): PlanLine[] => {
    const parent = plan.find((p) => p.id === line.parent);
    return parent ? [parent, ...ancestors(parent)] : [];
  };
  const violations: string[] = [];
  for (const line of plan) {
    const step = /^(SCAN|SEARCH) (\w+)(.*)$/.exec(line.detail);
    if (!step) continue;
    const [, kind, name, rest = ""] = step;
    const table = names.get(name as string);
    if (!table) continue;
    const indexWalk = / USING (COVERING )?INDEX /.test(rest);
    if (kind === "SCAN" && !(indexWalk && limited)) {
      violations.push(`${line.detail} — reads the whole of ${table}`);
      continue;
    }
    const inListSubquery = ancestors(line).some((a) => /^(LIST SUBQUERY|SCALAR SUBQUERY|MATERIALIZE)/.test(a.detail));
    if (kind === "SEARCH" && inListSubquery && !limited) {
      const equal = [...rest.matchAll(/(\w+)=\?/g)].map((m) => m[1] as string);
      const bounded = BOUNDED_KEYS[table].some((key) => key.every((column) => equal.includes(column)));
      if (!bounded) {
        const parent = ancestors(line)[0]?.detail ?? "";
        violations.push(
          `${parent} › ${line.detail} — a subquery reads every ${table} row it matches, once per statement`,
        );
      }
    }
  }
  return violations;
}
