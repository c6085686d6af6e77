// The SQL a test server's store runs, captured through a Kysely plugin: for tests that hold a request to
// the statements it needs (a count it can skip, a read it need not make, the index a lookup takes).
import { CompiledQuery, type Kysely, type KyselyPlugin, type RootOperationNode } from 'kysely';
import type { TestServer } from './app.ts';
import type { StoreKind } from './stores.ts';

export interface Captured {
  sql: string;
  parameters: readonly unknown[];
}

/** Records every statement of `s.store` from now on into `log` (cleared by the caller), until `stop()`;
 *  `raw` is the store's own db, to run queries of the test's without recording them. */
export function logSql(s: TestServer): { log: Captured[]; raw: Kysely<any>; stop(): void } {
  const raw = s.store.db as unknown as Kysely<any>;
  const log: Captured[] = [];
  const recorder: KyselyPlugin = {
    transformQuery({ node, queryId }) {
      const compiled = raw.getExecutor().compileQuery(node as RootOperationNode, queryId);
      log.push({ sql: compiled.sql, parameters: compiled.parameters });
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  // The app holds this very store object, so every route from here on runs through the recorder.
  (s.store as { db: unknown }).db = raw.withPlugin(recorder);
  return { log, raw, stop: () => void ((s.store as { db: unknown }).db = raw) };
}

/** The plan of a captured statement: SQLite's EXPLAIN QUERY PLAN; PostgreSQL's EXPLAIN with sequential scans
 *  off, so that a small table does not make one the cheaper choice. */
export async function explain(kind: StoreKind, raw: Kysely<any>, q: Captured): Promise<string> {
  if (kind.name === 'sqlite') {
    const plan = await raw.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${q.sql}`, [...q.parameters]));
    return plan.rows.map((r) => r.detail).join('\n');
  }
  return raw.connection().execute(async (conn) => {
    await conn.executeQuery(CompiledQuery.raw('SET enable_seqscan = off'));
    try {
      const plan = await conn.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${q.sql}`, [...q.parameters]));
      return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await conn.executeQuery(CompiledQuery.raw('RESET enable_seqscan'));
    }
  });
}
