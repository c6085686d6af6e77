// Statements of one fixed shape, built and compiled with Kysely once per dialect instead of on every request:
// building and compiling the query tree cost more CPU than running the SQL on the hot SCIM paths (issue 9,
// bench/RESULTS.md). The SQL text is unchanged, so SQLite's statement cache and PostgreSQL's named
// statements (open.ts) still apply.
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { DialectName, StoreDialect } from './dialect.ts';
import type { Store } from './open.ts';
import type { Database } from './schema.ts';

/** Where a compiled parameter comes from: an argument by name, or a value the builder wrote itself. */
type Slot = { arg: string } | { value: unknown };

/** A placeholder is a string no caller sends: a unique marker that the compiled parameters are matched against. */
const MARK = '\u0000roster-prepared:';

export interface Prepared<A, R> {
  /** Runs the statement on `store.db` — the store's, or the transaction's inside inTransaction. */
  run(store: Store, args: A): Promise<QueryResult<R>>;
}

/**
 * `build` receives placeholders typed as the arguments and returns the query; it runs once per dialect, and
 * each run binds the arguments where their placeholders landed, in the compiled order. The shape must not
 * depend on the values (no `in` lists of varying length, no optional clauses): such a query is built per call.
 * Every argument the builder reads must be bound as a parameter (the first run throws otherwise); constants
 * the builder writes itself, `dialect`'s included, are kept as they compiled.
 */
export function prepared<A extends object, R>(build: (db: Kysely<Database>, args: A, dialect: StoreDialect) => Compilable<R>): Prepared<A, R> {
  const compiled = new Map<DialectName, { query: CompiledQuery<R>; slots: Slot[] }>();
  const compile = (store: Store) => {
    let c = compiled.get(store.dialect.name);
    if (!c) {
      const names = new Set<string>();
      const placeholders = new Proxy({} as A, {
        get: (_, name) => {
          names.add(String(name));
          return MARK + String(name);
        },
      });
      const query = build(store.db, placeholders, store.dialect).compile();
      const slots = query.parameters.map((p): Slot => (typeof p === 'string' && p.startsWith(MARK) ? { arg: p.slice(MARK.length) } : { value: p }));
      // An argument may be bound more than once; one that was read but not bound went into the SQL text.
      const bound = new Set(slots.flatMap((s) => ('arg' in s ? [s.arg] : [])));
      if ([...names].some((name) => !bound.has(name)) || query.sql.includes(MARK)) {
        throw new Error(`prepared statement binds [${[...bound].join(', ')}] of the arguments [${[...names].join(', ')}]: ${query.sql}`);
      }
      c = { query, slots };
      compiled.set(store.dialect.name, c);
    }
    return c;
  };
  return {
    async run(store, args) {
      // A plugin (a test's SQL recorder) must see every query, as built: such a db builds it per call.
      if (store.db.getExecutor().plugins.length > 0) return store.db.executeQuery<R>(build(store.db, args, store.dialect));
      const { query, slots } = compile(store);
      const parameters = slots.map((s) => ('arg' in s ? (args as Record<string, unknown>)[s.arg] : s.value));
      return store.db.executeQuery<R>({ ...query, parameters });
    },
  };
}
