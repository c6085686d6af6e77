#!/usr/bin/env node
// `npx roster …`: the management CLI (src/cli/roster.ts).
import { runTypeScript } from './run-ts.mjs';

await runTypeScript('../src/cli/roster.ts', ['commander', 'kysely', 'better-sqlite3', 'pg']);
