// Builds the admin UI (ui/src) into ui/dist: app.js and app.css bundled and minified by esbuild, and an
// index.html that names them with their content hash as a query, so a new build is never served from a
// stale cache. Run by `npm install` / `npm ci` (the prepare script) and `npm run build:ui`.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'ui');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: { app: join(root, 'src', 'main.tsx') },
  outdir: dist,
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});

const hash = (file) => createHash('sha256').update(readFileSync(join(dist, file))).digest('hex').slice(0, 12);
const template = readFileSync(join(root, 'src', 'index.html'), 'utf8');
writeFileSync(
  join(dist, 'index.html'),
  template.replace('/app.css', `/app.css?v=${hash('app.css')}`).replace('/app.js', `/app.js?v=${hash('app.js')}`),
);
for (const file of ['app.js', 'app.css']) {
  const bytes = readFileSync(join(dist, file));
  console.log(`ui/dist/${file}: ${(bytes.length / 1024).toFixed(1)} KiB, ${(gzipSync(bytes).length / 1024).toFixed(1)} KiB gzipped`);
}
