// `npm start`: open the store named by DATABASE_URL, migrate it, listen, drain on SIGTERM.
import { buildApp } from './http/app.ts';
import { loadConfig } from './config.ts';
import { openStore } from './store/open.ts';

const config = loadConfig();
const store = await openStore(config.databaseUrl);
const app = await buildApp({ store, config });

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'draining in-flight requests');
  // close() stops accepting connections and resolves once in-flight requests have been answered.
  await app.close();
  await store.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ host: config.host, port: config.port });
