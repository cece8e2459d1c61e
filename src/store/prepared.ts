/**
 * Read queries compiled once and run again with new values. Kysely builds and compiles a query on
 * every call, which costs more than SQLite takes to answer the small indexed reads every page
 * makes (a page's list: ~0.3 ms of building and compiling, ~0.1 ms in SQLite). On SQLite they run
 * on the connection at once, outside a transaction (dialect.ts directReader).
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';
import { directReader, stripsNul, withoutNulParam } from './dialect.js';

/** Where an argument goes: `build` receives these in place of the values. */
class Slot {
  constructor(readonly index: number) {}
}

interface Compiled {
  query: CompiledQuery;
  /** Per SQL parameter: the argument index it takes, or -1 for a constant of the query. */
  from: number[];
  stripNul: boolean;
}

/**
 * Returns a function running the query `build` makes, compiled on first use per database kind
 * (SQL text and placeholders differ between SQLite and PostgreSQL). `build` must use its
 * arguments only as values (in where, limit, offset), never to decide the query's shape.
 * @example const byDay = prepared((db, day: string) => db.selectFrom('day_counts').select('count').where('local_day', '=', day));
 *          const rows = await byDay(db, '2019-02-15');
 */
export function prepared<A extends unknown[], R>(build: (db: Kysely<Database>, ...args: A) => Compilable<R>): (db: Kysely<Database>, ...args: A) => Promise<R[]> {
  // Keyed by the executor's adapter: one per opened database, shared by its transactions.
  const byAdapter = new WeakMap<object, Compiled>();
  return async (db, ...args) => {
    const executor = db.getExecutor();
    let c = byAdapter.get(executor.adapter);
    if (!c) {
      c = compile(db, build, args.length);
      byAdapter.set(executor.adapter, c);
    }
    const parameters = c.from.map((i, k) => (i < 0 ? c.query.parameters[k] : c.stripNul ? withoutNulParam(args[i]) : args[i]));
    const rows = directReader(db)?.(c.query, parameters);
    if (rows) return rows as R[];
    const result = await db.executeQuery<R>({ ...c.query, parameters } as CompiledQuery<R>);
    return result.rows;
  };
}

function compile<A extends unknown[], R>(db: Kysely<Database>, build: (db: Kysely<Database>, ...args: A) => Compilable<R>, n: number): Compiled {
  const slots = Array.from({ length: n }, (_, i) => new Slot(i));
  const query = build(db, ...(slots as unknown as A)).compile();
  const from = query.parameters.map((p) => (p instanceof Slot ? p.index : -1));
  for (const s of slots) if (!from.includes(s.index)) throw new Error(`prepared: argument ${s.index} is not a parameter of ${query.sql}`);
  return { query, from, stripNul: stripsNul(db) };
}
