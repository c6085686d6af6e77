// `npm test`: every test file under test/ through node's runner with tsx. Node 20's runner neither finds
// .ts files in a folder nor expands globs, so the files are listed here. Arguments narrow the set
// (`npm test -- filter` runs files whose path contains "filter"). Files under test/serial/ measure the
// server's responsiveness and run after the others, one at a time, so that no other test file competes
// with them for the machine's two cores.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
// Each run's report goes to the terminal and, as TAP, to a file, so the two runs can be added up at the end.
const reports = mkdtempSync(join(tmpdir(), 'roster-test-'));
const totals = { passed: 0, failed: 0 };
const run = (list, concurrency, name) => {
  if (!list.length) return 0;
  const tap = join(reports, `${name}.tap`);
  const reporters = ['--test-reporter=tap', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`];
  const status = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...reporters, ...list], { stdio: 'inherit' }).status ?? 1;
  const report = readFileSync(tap, 'utf8');
  const count = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(report)?.[1] ?? 0);
  totals.passed += count('pass');
  totals.failed += count('fail');
  return status;
};
const status = run(parallel, 2, 'parallel');
const serialStatus = run(serial, 1, 'serial');
rmSync(reports, { recursive: true, force: true });
console.log(`all tests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(serialStatus || status);
