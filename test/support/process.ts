// Roster as operators run it: the server (`npm start` = bin/server.mjs) and the CLI (`npx roster` =
// bin/roster.mjs) as child processes, in a working directory of the test's choosing, with only the
// environment the test gives them.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createCompany } from '../../src/directory/companies.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createScimSetting } from '../../src/provisioning/scim-settings.ts';
import { openStore } from '../../src/store/open.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SERVER = join(ROOT, 'bin/server.mjs');
export const CLI = join(ROOT, 'bin/roster.mjs');

/** The variables Roster reads, removed from the inherited environment so a developer's shell cannot leak in. */
const ROSTER_VARIABLES = ['HOST', 'PORT', 'WORKERS', 'DATABASE_URL', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'TRUST_PROXY', 'PUBLIC_URL', 'LOG_LEVEL', 'BODY_LIMIT', 'REQUEST_TIMEOUT_MS', 'HANDLER_TIMEOUT_MS', 'SCIM_RATE_LIMIT', 'METRICS_TOKEN', 'METRICS_HOST', 'METRICS_PORT', 'JOB_LOG_RETENTION_DAYS', 'DELETED_USER_RETENTION_DAYS', 'SESSION_IDLE_MINUTES', 'SESSION_MAX_HOURS'];

/** Bursts far beyond any IdP's (the process and crash tests) run without SCIM_RATE_LIMIT. */
export const UNLIMITED = { SCIM_RATE_LIMIT: '0' };

export function cleanEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...ROSTER_VARIABLES, 'NODE_TEST_CONTEXT', 'NODE_OPTIONS']) delete base[name];
  return { ...base, ...env };
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'roster-proc-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A port nothing listens on right now (the server is then told to use it: PORT=0 could not be reported). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
}

/** One HTTP(S) request on a connection of its own (no pooling, so nothing outlives the test). */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; token?: string; ca?: Buffer } = {},
): Promise<HttpResponse> {
  const target = new URL(url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(payload !== undefined ? { 'content-type': 'application/scim+json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
    ...options.headers,
  };
  const send = target.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(target, { method: options.method ?? 'GET', headers, agent: false, ...(options.ca ? { ca: options.ca } : {}) }, (res) => {
      let raw = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (raw += chunk));
      res.on('end', () => {
        let body: unknown;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export interface RosterServer {
  /** http(s)://127.0.0.1:PORT */
  origin: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function collectOutput(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { stdout: () => stdout, stderr: () => stderr, exited };
}

/**
 * Starts the server the way `npm start` does and waits until GET /healthz answers 200. `env` is the whole
 * Roster configuration (PORT is chosen here unless given); `cwd` is the working directory. With PORT=0 the
 * port is the one the server logs it listens at, so LOG_LEVEL must be info or below.
 */
export async function startServer(options: { env?: Record<string, string>; cwd: string; ca?: Buffer; command?: string[] }): Promise<RosterServer> {
  const port = options.env?.PORT ? Number(options.env.PORT) : await freePort();
  const env = cleanEnv({ HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...options.env, PORT: String(port) });
  const scheme = env.TLS_CERT_FILE ? 'https' : 'http';
  const [command = process.execPath, ...args] = options.command ?? [process.execPath, SERVER];
  const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collectOutput(child);
  const serverAt = (origin: string): RosterServer => ({
    origin,
    port: Number(new URL(origin).port),
    child,
    ...output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return output.exited;
    },
  });
  const listeningAt = () => logLines(output.stdout()).map((l) => /^Server listening at (\S+)$/.exec(String(l.msg))?.[1]).find(Boolean);
  let exited = false;
  void output.exited.then(() => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the server exited before it was ready:\n${output.stderr()}${output.stdout()}`);
    const origin = port === 0 ? listeningAt() : `${scheme}://127.0.0.1:${port}`;
    try {
      const res = origin && (await request(`${origin}/healthz`, options.ca ? { ca: options.ca } : {}));
      if (origin && res && res.status === 200) return serverAt(origin);
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /healthz within 60 s:\n${output.stderr()}${output.stdout()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs the server expecting it to give up at start-up; resolves with its exit and output. */
export async function startServerExpectingFailure(env: Record<string, string>, cwd = tmpdir()) {
  const child = spawn(process.execPath, [SERVER], { cwd, env: cleanEnv({ HOST: '127.0.0.1', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collectOutput(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const { code, signal } = await output.exited;
  clearTimeout(timer);
  return { code, signal, stdout: output.stdout(), stderr: output.stderr() };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document (JSON.parse rejects a second one); undefined if it is not JSON. */
  json: any;
}

/** Runs `roster ARGS…` (bin/roster.mjs) with the given environment. */
export function roster(args: string[], env: Record<string, string> = {}, cwd = tmpdir()): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env), timeout: 30_000 }, (error, stdout, stderr) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, json });
    });
  });
}

/** A company and SCIM setting written straight into the store (for tests about the server, not the CLI). */
export async function seedTenant(databaseUrl: string, name = 'Acme'): Promise<{ companyId: string; settingId: string; token: string }> {
  const store = await openStore(databaseUrl);
  try {
    const company = await createCompany(store, { name }, CLI_ACTOR);
    const { setting, token } = await createScimSetting(store, { companyId: company.id, name: 'Entra ID' }, CLI_ACTOR);
    return { companyId: company.id, settingId: setting.id, token };
  } finally {
    await store.close();
  }
}

/** A fresh PostgreSQL database next to ROSTER_TEST_POSTGRES_URL's, or undefined when that is not set. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const base = process.env.ROSTER_TEST_POSTGRES_URL;
  if (!base) return undefined;
  const name = `roster_srv_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The JSON lines a server wrote to stdout (pino). */
export function logLines(stdout: string): Record<string, any>[] {
  return stdout
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, any>];
      } catch {
        return []; // a banner, or a line still being written
      }
    });
}

/** A self-signed certificate for localhost and 127.0.0.1, made with openssl in `dir`. */
export function selfSignedCertificate(dir: string): { certFile: string; keyFile: string; cert: Buffer } {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  return { certFile, keyFile, cert: readFileSync(certFile) };
}

/** Waits until the server has logged a line that `match` accepts (logs reach the pipe a moment after the
 *  response may have). */
export async function waitForLog(server: RosterServer, match: (line: Record<string, any>) => boolean, timeoutMs = 10_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = logLines(server.stdout()).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such log line in:\n${server.stdout()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
