// Whether the database answers: a trivial query with a deadline, for /readyz.
import { sql } from 'kysely';
import type { Store } from './open.ts';

/** Resolves when the database answered `SELECT 1` within `timeoutMs`; rejects otherwise. */
export async function ping(store: Store, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([sql`SELECT 1`.execute(store.db), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
