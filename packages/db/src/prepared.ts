// Statements of the hot path compiled once. Kysely builds an operation tree and compiles it to SQL
// on every call: 15–30 µs for each small statement of a task move, as long as SQLite takes to run
// it. A prepared query is built and compiled once per dialect with named placeholders in place of
// the values; each call only puts the values into the compiled parameter list and executes it
// through the same Kysely executor (the transaction's connection, the driver's statement cache).
//
// (The kysely-params package does this, but pins Kysely 0.24 as a dependency of its own.)
import { CompiledQuery, type Compilable } from 'kysely';
import { dialectOf, type DialectName } from './dialect.js';
import type { DbOrTrx } from './executor.js';

/** A named value, compiled in as one bound parameter. */
class Placeholder {
  constructor(readonly name: string) {}
}

interface Compiled {
  query: CompiledQuery;
  /** per parameter: the placeholder it takes its value from, or null (a constant of the statement) */
  slots: (string | null)[];
}

export interface PreparedQuery<P, O> {
  /** Runs the statement with these values; resolves with its rows (`returning` rows of a write). */
  execute(db: DbOrTrx, values: P): Promise<O[]>;
}

/**
 * A statement built once per dialect by `build`, which must use each value of `params` it reads as
 * a whole bound value (`where('id', '=', params.id)`, `values({ text: params.text })`): not
 * transformed, stringified or tested (the shape of the statement may not depend on a value).
 * Building checks that each value read reached the parameter list as itself.
 */
export function preparedQuery<P extends object, O>(build: (db: DbOrTrx, params: P) => Compilable<O>): PreparedQuery<P, O> {
  const byDialect = new Map<DialectName, Compiled>();
  const compile = (db: DbOrTrx, dialect: DialectName): Compiled => {
    const read = new Set<string>();
    const params = new Proxy({} as P, {
      get: (_, name) => {
        if (typeof name !== 'string') return undefined;
        read.add(name);
        return new Placeholder(name);
      },
    });
    const query = build(db, params).compile();
    const slots = query.parameters.map((p) => (p instanceof Placeholder ? p.name : null));
    const unbound = [...read].filter((name) => !slots.includes(name));
    if (unbound.length > 0) throw new Error(`prepared query: ${unbound.join(', ')} not bound as a parameter in: ${query.sql}`);
    const compiled = { query, slots };
    byDialect.set(dialect, compiled);
    return compiled;
  };
  return {
    async execute(db, values) {
      const dialect = dialectOf(db);
      const { query, slots } = byDialect.get(dialect) ?? compile(db, dialect);
      const parameters = slots.map((name, i) => (name === null ? query.parameters[i] : (values as Record<string, unknown>)[name]));
      const result = await db.executeQuery<O>(CompiledQuery.raw(query.sql, parameters));
      return result.rows;
    },
  };
}
