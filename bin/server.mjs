#!/usr/bin/env node
// `npm start`: the SCIM server (src/main.ts). Also runnable as `node /path/to/roster/bin/server.mjs` from any
// directory; a relative sqlite: DATABASE_URL is relative to the working directory.
import { runTypeScript } from './run-ts.mjs';

await runTypeScript('../src/main.ts', ['fastify', 'kysely', 'better-sqlite3', 'pg', 'pino']);
