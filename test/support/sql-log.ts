// The SQL a test server's store runs, captured through a Kysely plugin: for tests that hold a request to
// the statements it needs (a count it can skip, a read it need not make).
import type { Kysely, KyselyPlugin, RootOperationNode } from 'kysely';
import type { TestServer } from './app.ts';

/** Records every statement of `s.store` from now on into `log` (cleared by the caller), until `stop()`. */
export function logSql(s: TestServer): { log: string[]; stop(): void } {
  const raw = s.store.db as unknown as Kysely<any>;
  const log: string[] = [];
  const recorder: KyselyPlugin = {
    transformQuery({ node, queryId }) {
      log.push(raw.getExecutor().compileQuery(node as RootOperationNode, queryId).sql);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  // The app holds this very store object, so every route from here on runs through the recorder.
  (s.store as { db: unknown }).db = raw.withPlugin(recorder);
  return { log, stop: () => void ((s.store as { db: unknown }).db = raw) };
}
