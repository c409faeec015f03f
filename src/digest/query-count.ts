// Counts the D1 queries made through a binding, so work that loops (planning) can stop by the
// platform's own measure: D1 allows 1,000 queries per Worker invocation on Workers Paid, 50 on Free.
// Each statement counts, also inside a batch (the platform's per-query limits apply to each statement
// of a batch): the count errs on the safe side.

export interface QueryCount {
  /** The binding to hand to the counted code. */
  readonly db: D1Database;
  /** Queries made through `db` so far. */
  readonly queries: number;
}

type Counted = D1PreparedStatement & { readonly real: D1PreparedStatement };

export function countQueries(inner: D1Database): QueryCount {
  let queries = 0;
  const wrap = (real: D1PreparedStatement): Counted => {
    const counted = <T>(call: () => Promise<T>) => {
      queries++;
      return call();
    };
    const statement = {
      real,
      bind: (...values: unknown[]) => wrap(real.bind(...values)),
      first: (column?: string) => counted(() => (column === undefined ? real.first() : real.first(column))),
      run: () => counted(() => real.run()),
      all: () => counted(() => real.all()),
      raw: (options?: { columnNames?: false }) => counted(() => real.raw(options)),
    };
    return statement as unknown as Counted;
  };
  const db = {
    prepare: (sql: string) => wrap(inner.prepare(sql)),
    batch: (statements: D1PreparedStatement[]) => {
      queries += statements.length;
      return inner.batch(statements.map((s) => (s as Counted).real));
    },
    exec: (sql: string) => {
      queries += sql.split(";").filter((s) => s.trim()).length;
      return inner.exec(sql);
    },
    withSession: () => {
      throw new Error("countQueries: sessions are not counted");
    },
    dump: () => inner.dump(),
  };
  return {
    db: db as unknown as D1Database,
    get queries() {
      return queries;
    },
  };
}
