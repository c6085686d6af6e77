// Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof …`, which starts the server with
// node --cpu-prof): self time by function and by package/area, and inclusive time of chosen functions.
// Usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top 30] [--match authenticate,insertUser] [--last 8]
// --last S keeps only the S seconds before the last busy sample: the measured scenario, without start-up and seeding.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '30' }, match: { type: 'string' }, last: { type: 'string' } },
  allowPositionals: true,
});
if (!positionals.length) throw new Error('usage: profile-summary.ts FILE.cpuprofile [--top N] [--match name,name]');

const short = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/work\/main\//, '');

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native/V8 builtins)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  const s = /\/work\/main\/(src\/[^/]+(?:\/[^/]+)?)/.exec(url);
  if (s) return s[1]!.replace(/\.ts$/, '');
  return short(url);
}

for (const file of positionals) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  if (values.last) {
    // Sample times from the deltas; keep the window ending at the last sample that was not idle.
    const at: number[] = [];
    p.timeDeltas.reduce((t, d, i) => (at[i] = t + d), 0);
    let end = at.length - 1;
    while (end > 0 && byId.get(p.samples[end]!)?.callFrame.functionName === '(idle)') end--;
    // Skip the shutdown at the very end (a few hundred ms of closing the server).
    const from = at[end]! - Number(values.last) * 1e6;
    const keep = at.map((t, i) => t >= from && i <= end);
    p.samples = p.samples.filter((_, i) => keep[i]);
    p.timeDeltas = p.timeDeltas.filter((_, i) => keep[i]);
  }
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));

  const key = (n: Node) => `${n.callFrame.functionName || '(anonymous)'}  ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  let total = 0;
  let idle = 0;
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    total += us;
    if (n.callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    byFn.set(key(n), (byFn.get(key(n)) ?? 0) + us);
    const a = area(n.callFrame.url, n.callFrame.functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`.padStart(6);
  console.log(`\n# ${file}\nsampled ${(total / 1e6).toFixed(1)} s, busy (not idle) ${(busy / 1e6).toFixed(1)} s; percentages are of busy time\n`);
  console.log('## self time by package / source area');
  for (const [a, us] of [...byArea].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`${pct(us)}  ${a}`);
  console.log(`\n## top ${values.top} functions by self time`);
  for (const [f, us] of [...byFn].sort((x, y) => y[1] - x[1]).slice(0, Number(values.top))) console.log(`${pct(us)}  ${f}`);

  // Inclusive time: a sample counts once for every distinct function on its stack whose name matches.
  const wanted = (values.match ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (wanted.length) {
    const incl = new Map<string, number>();
    p.samples.forEach((id, i) => {
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const n = byId.get(cur)!;
        const name = n.callFrame.functionName;
        for (const w of wanted) if (name === w || name.endsWith(`.${w}`)) seen.add(`${w}  (${area(n.callFrame.url, name)})`);
      }
      for (const s of seen) incl.set(s, (incl.get(s) ?? 0) + (p.timeDeltas[i] ?? 0));
    });
    console.log('\n## inclusive time of matched functions');
    for (const [f, us] of [...incl].sort((x, y) => y[1] - x[1])) console.log(`${pct(us)}  ${f}`);
  }
}
