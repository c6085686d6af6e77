// The steps of `npm start` that a single server and a cluster's primary share. A start-up failure is the
// operator's to fix: one line on stderr, exit 1.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { redactUrl, type Config } from './config.ts';
import { describeError } from './describe-error.ts';
import { openStore, type Store } from './store/open.ts';
import { hasSystemUser } from './store/system-users.ts';

const FIRST_RUN = 'No system user exists yet. Create the first operator with: npx roster system-user create --email you@example.com --role operator';

export function fail(message: string): never {
  process.stderr.write(`roster: ${message}\n`);
  process.exit(1);
}

/** Reads the certificate and key now, so a missing file or a key that does not fit the certificate is a
 *  clear message rather than a TLS stack trace from inside Fastify. */
export function checkTls(tls: NonNullable<Config['tls']>): void {
  const read = (name: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      return fail(`${name} ${file} cannot be read: ${describeError(e)}`);
    }
  };
  const cert = read('TLS_CERT_FILE', tls.certFile);
  const key = read('TLS_KEY_FILE', tls.keyFile);
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    fail(`TLS_CERT_FILE ${tls.certFile} and TLS_KEY_FILE ${tls.keyFile} are not a usable PEM certificate and key: ${describeError(e)}`);
  }
}

/** The store of DATABASE_URL; `migrate` creates and migrates it (a single server, or the cluster primary
 *  before it forks), else it must hold exactly this code's schema (a worker: the primary migrated it). */
export async function openStoreOrFail(config: Config, migrate: boolean): Promise<Store> {
  try {
    return await openStore(config.databaseUrl, { migrate });
  } catch (e) {
    return fail(`cannot open DATABASE_URL ${redactUrl(config.databaseUrl)}: ${describeError(e)}`);
  }
}

/** There is no default password: the first operator is created from the command line. */
export async function warnIfFirstRun(store: Store, log: { warn(message: string): void }): Promise<void> {
  if (!(await hasSystemUser(store))) log.warn(FIRST_RUN);
}

/** `cleanUp` runs before the message, so nothing is left half-open behind the exit. */
export async function listenOrFail(
  server: FastifyInstance,
  options: { host: string; port: number; listenTextResolver?: (address: string) => string },
  cleanUp: () => Promise<unknown> = async () => undefined,
): Promise<void> {
  try {
    await server.listen(options);
  } catch (e) {
    await cleanUp().catch(() => undefined);
    fail(`cannot listen on ${options.host}:${options.port}: ${describeError(e)}`);
  }
}
