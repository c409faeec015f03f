// A D1 binding that records what goes through it: every statement run on its own, in a batch or by
// exec, with the rows D1 says it read and wrote. Tests hand it to the code under test in place of
// env.DB to see what a path costs in Cloudflare's units (queries per invocation, rows read and
// written) and which statements it runs (for EXPLAIN QUERY PLAN).

export interface RecordedStatement {
  sql: string;
  /** How it reached D1: alone (run/all/first/raw), as one statement of a batch, or through exec. */
  via: "run" | "all" | "first" | "raw" | "batch" | "exec";
  rowsRead: number;
  rowsWritten: number;
}

export interface CountedD1 {
  /** The binding to use instead of the real one. */
  readonly db: D1Database;
  /** Every statement so far, in order. A batch adds one entry per statement: D1 counts each as a query. */
  readonly statements: RecordedStatement[];
  /** Calls that went to D1 (a batch is one call, whatever it holds). */
  readonly calls: number;
  /** Statements recorded since `from` (an index into `statements`): what one invocation did. */
  since(from: number): Totals;
}

export interface Totals {
  queries: number;
  calls: number;
  rowsRead: number;
  rowsWritten: number;
}

type Meta = { rows_read?: number; rows_written?: number } | undefined;

/** Wraps `inner` (normally env.DB) so that everything run through it is recorded. */
export function countedD1(inner: D1Database): CountedD1 {
  const statements: RecordedStatement[] = [];
  const callMarks: number[] = []; // statements.length at each call's end
  const record = (sql: string, via: RecordedStatement["via"], meta: Meta) => {
    statements.push({ sql, via, rowsRead: meta?.rows_read ?? 0, rowsWritten: meta?.rows_written ?? 0 });
  };
  const endCall = () => callMarks.push(statements.length);

  const wrap = (sql: string, real: D1PreparedStatement): D1PreparedStatement => {
    const statement = {
      sql,
      real,
      bind: (...values: unknown[]) => wrap(sql, real.bind(...values)),
      // first() and raw() do not return D1's meta: run as all() so the rows read are known.
      async first(column?: string) {
        const result = await real.all();
        record(sql, "first", result.meta);
        endCall();
        const row = (result.results[0] ?? null) as Record<string, unknown> | null;
        return column === undefined ? row : (row?.[column] ?? null);
      },
      async run() {
        const result = await real.run();
        record(sql, "run", result.meta);
        endCall();
        return result;
      },
      async all() {
        const result = await real.all();
        record(sql, "all", result.meta);
        endCall();
        return result;
      },
      async raw(options?: { columnNames?: boolean }) {
        const result = await real.all();
        record(sql, "raw", result.meta);
        endCall();
        const rows = result.results as Record<string, unknown>[];
        const columns = Object.keys(rows[0] ?? {});
        const values = rows.map((r) => columns.map((c) => r[c]));
        return options?.columnNames ? [columns, ...values] : values;
      },
    };
    return statement as unknown as D1PreparedStatement;
  };

  const unwrap = (s: D1PreparedStatement) => s as unknown as { sql: string; real: D1PreparedStatement };

  const db = {
    prepare: (sql: string) => wrap(sql, inner.prepare(sql)),
    async batch(list: D1PreparedStatement[]) {
      const results = await inner.batch(list.map((s) => unwrap(s).real));
      list.forEach((s, i) => void record(unwrap(s).sql, "batch", results[i]?.meta));
      endCall();
      return results;
    },
    async exec(sql: string) {
      const result = await inner.exec(sql);
      // exec runs each statement of the text and reports no rows: counted, rows unknown (0).
      for (const one of sql.split(";").filter((s) => s.trim())) record(one.trim(), "exec", undefined);
      endCall();
      return result;
    },
    withSession: () => {
      throw new Error("countedD1: sessions are not recorded");
    },
    dump: () => inner.dump(),
  };

  return {
    db: db as unknown as D1Database,
    statements,
    get calls() {
      return callMarks.length;
    },
    since(from: number): Totals {
      const part = statements.slice(from);
      return {
        queries: part.length,
        calls: callMarks.filter((m) => m > from).length,
        rowsRead: part.reduce((n, s) => n + s.rowsRead, 0),
        rowsWritten: part.reduce((n, s) => n + s.rowsWritten, 0),
      };
    },
  };
}
