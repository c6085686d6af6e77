// Turns bench/out/results-*.json into the summary tables of bench/RESULTS.md: one row per scenario, one
// column group per size, then the cost ratios the targets speak of (largest size ÷ smallest, large group ÷
// small group). "Cost" is server CPU per request, which depends less on what else the machine runs than
// requests/s does; both ratios are shown.
// Usage: node --import tsx bench/report.ts bench/out/results-LABEL.json [more.json …]
import { readFileSync } from 'node:fs';
import { judgeTargets } from './targets.ts';

interface Row {
  size: number;
  usersInStore: number;
  scenario: string;
  /** WORKERS of the server measured (absent in results from before the option). */
  workers?: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  status: Record<string, number>;
  unexpected: number;
  errors: number;
  serverCpuMs: number;
  postgresCpuMs?: number;
  cores: { server: number; loadgen: number; postgres: number; other: number };
  check: string;
}
interface Result {
  label: string;
  machine: Record<string, unknown>;
  options: Record<string, unknown>;
  seeding: { size: number; rows: number; seconds: number; rowsPerSecond: number }[];
  results: Row[];
}

const fmt = (n: number) => n.toLocaleString('en');
const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}×` : '–');
/** Server CPU per request, plus PostgreSQL's on that store. */
const cost = (m: Row) => m.serverCpuMs + (m.postgresCpuMs ?? 0);

for (const file of process.argv.slice(2)) {
  const r = JSON.parse(readFileSync(file, 'utf8')) as Result;
  // A run of several WORKERS values (`--workers 1,2`) reports each as a scenario of its own.
  for (const x of r.results) if ((x.workers ?? 1) > 1) x.scenario = `${x.scenario} (WORKERS=${x.workers})`;
  const sizes = [...new Set(r.results.map((x) => x.size))].sort((a, b) => a - b);
  const scenarios = [...new Set(r.results.map((x) => x.scenario))];
  const get = (sc: string, size: number) => r.results.find((x) => x.scenario === sc && x.size === size);
  const pg = r.options.store === 'postgres';
  console.log(`### ${r.options.store}: ${r.label}\n`);
  console.log(`Options: ${JSON.stringify(r.options)}\n`);
  console.log(`Seeding: ${r.seeding.map((s) => `${fmt(s.rows)} users in ${s.seconds} s (${fmt(s.rowsPerSecond)}/s)`).join('; ')}\n`);
  const head = ['scenario', ...sizes.map((s) => `${fmt(s)} users: req/s · p50/p99 ms · server ms/req${pg ? ' + PG ms/req' : ''} · other cores`)];
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
  for (const sc of scenarios) {
    const cells = sizes.map((size) => {
      const m = get(sc, size);
      if (!m) return '–';
      const bad = Object.entries(m.status).filter(([k]) => !k.startsWith('2')).map(([k, v]) => `${fmt(v)}×${k}`);
      const flags = [...bad, ...(m.errors ? [`${m.errors} errors`] : []), ...(m.check !== 'ok' ? ['CHECK FAILED'] : [])];
      return `**${m.rps >= 100 ? fmt(m.rps) : m.rps.toFixed(1)}** · ${m.p50}/${m.p99} · ${m.serverCpuMs}${pg ? ` + ${m.postgresCpuMs}` : ''} · ${m.cores.other}${flags.length ? ` · ${flags.join(', ')}` : ''}`;
    });
    console.log(`| ${sc} | ${cells.join(' | ')} |`);
  }
  const lo = sizes[0]!;
  const hi = sizes[sizes.length - 1]!;
  console.log(`\nCost growth from ${fmt(lo)} to ${fmt(hi)} users (target ≤ 1.5×): server ms/req ratio, req/s ratio\n`);
  console.log(`| scenario | ${pg ? 'server + PostgreSQL' : 'server'} CPU per request | throughput drop |\n|---|---|---|`);
  for (const sc of scenarios) {
    const a = get(sc, lo);
    const b = get(sc, hi);
    if (!a || !b) continue;
    console.log(`| ${sc} | ${ratio(cost(b), cost(a))} | ${ratio(a.rps, b.rps)} |`);
  }
  for (const size of sizes) {
    const s = get('group-small', size);
    const l = get('group-large', size);
    if (s && l) {
      console.log(`\nAt ${fmt(size)} users, 100,000-member group vs 10-member group: server CPU per request ${ratio(cost(l), cost(s))}, throughput drop ${ratio(s.rps, l.rps)}`);
    }
  }
  console.log(`\nIssue 9's targets (throughput as a share of /healthz in the same run; cost growth):\n\n${judgeTargets(r.results, String(r.options.store))}`);
  console.log('');
}
