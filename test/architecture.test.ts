// Dependencies point inward (docs/ARCHITECTURE.md): http → provisioning, auth → directory → store; scim/ (the pure
// protocol core) uses nothing of ours, and provisioning/rules/ (the pure projection) only scim/. This test reads every import and fails on one that points outward.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve('src');
const LAYERS = ['scim', 'store', 'directory', 'provisioning', 'auth', 'http', 'cli'] as const;
type Layer = (typeof LAYERS)[number] | 'rules' | 'root';

/** What each layer may import besides itself, scim/ and the rules. */
const ALLOWED: Record<Layer, Layer[]> = {
  scim: [],
  rules: [],
  store: [],
  directory: ['store'],
  provisioning: ['directory', 'store'],
  auth: ['directory', 'store'],
  http: ['auth', 'provisioning', 'directory', 'store', 'root'],
  cli: ['auth', 'provisioning', 'directory', 'store', 'root'],
  root: ['http', 'auth', 'store', 'provisioning', 'directory'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const layerOf = (file: string): Layer => {
  const [top, sub] = relative(SRC, file).split('/');
  if (top === 'provisioning' && sub === 'rules') return 'rules';
  return (LAYERS as readonly string[]).includes(top!) ? (top as Layer) : 'root';
};

describe('module layering', () => {
  for (const file of files(SRC)) {
    const from = layerOf(file);
    it(`${relative(SRC, file)} imports only what the ${from} layer may use`, () => {
      const imports = [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)].map((m) => m[1]!);
      for (const spec of imports) {
        const to = layerOf(resolve(dirname(file), spec));
        const ok = to === from || to === 'scim' || (to === 'rules' && from !== 'scim') || ALLOWED[from].includes(to);
        assert.ok(ok, `${relative(SRC, file)} (${from}) must not import ${spec} (${to})`);
      }
    });
  }
});
