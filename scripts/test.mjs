// `npm test`: every test file under test/ through node's runner with tsx. Node 20's runner neither finds
// .ts files in a folder nor expands globs, so the files are listed here. Arguments narrow the set
// (`npm test -- filter` runs files whose path contains "filter"). Files under test/serial/ measure the
// server's responsiveness and run after the others, one at a time, so that no other test file competes
// with them for the machine's two cores.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const wanted = process.argv.slice(2);
const files = find('test').filter((f) => !wanted.length || wanted.some((w) => f.includes(w))).sort();
if (!files.length) {
  console.error(`no test files match ${wanted.join(' ')}`);
  process.exit(1);
}
const serial = files.filter((f) => f.startsWith(join('test', 'serial')));
const parallel = files.filter((f) => !serial.includes(f));
const run = (list, concurrency) =>
  list.length ? spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...list], { stdio: 'inherit' }).status ?? 1 : 0;
const status = run(parallel, 2);
process.exit(run(serial, 1) || status);
