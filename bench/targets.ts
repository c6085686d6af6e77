// Issue 9's targets, judged on one run's results: each scenario's throughput as a share of the same server's
// `/healthz` at the same size (the machine's speed varies, the ratio much less), and each scenario's server CPU
// per request from the smallest to the largest size. PostgreSQL's throughput targets are half of SQLite's.

export interface Measurement {
  size: number;
  workers?: number;
  scenario: string;
  rps: number;
  serverCpuMs: number;
  postgresCpuMs?: number;
  serverRssMb?: number;
  serverAnonMb?: number;
}

/** Share of the `/healthz` ceiling each scenario must reach on SQLite with one process. */
const CEILING_SHARE: Record<string, number> = {
  'filter-get': 0.45,
  'get-by-id': 0.45,
  'create-full': 0.12,
  'patch-user': 0.1,
  'group-small': 0.1,
  'group-large': 0.1,
};
/** Scenarios whose cost must stay flat as the directory grows (largest size ÷ smallest). */
const FLAT = ['filter-get', 'get-by-id', 'create', 'create-full', 'patch-user', 'group-small', 'list-offset', 'list-cursor'];
const MAX_GROWTH = 1.5;
/** Resident memory of one server process while it serves the largest company (MB). */
const MAX_RSS_MB = 300;

const cost = (m: Measurement) => m.serverCpuMs + (m.postgresCpuMs ?? 0);
const fmt = (n: number) => n.toLocaleString('en');

/** Markdown: one line per target with what was measured and whether it was met. */
export function judgeTargets(results: Measurement[], store: string): string {
  const one = results.filter((m) => (m.workers ?? 1) === 1);
  const sizes = [...new Set(one.map((m) => m.size))].sort((a, b) => a - b);
  const get = (scenario: string, size: number) => one.find((m) => m.scenario === scenario && m.size === size);
  const factor = store === 'postgres' ? 0.5 : 1;
  const lines = [`| target (${store}, WORKERS=1) | ${sizes.map((s) => `${fmt(s)} users`).join(' | ')} | |`, `|---|${sizes.map(() => '---').join('|')}|---|`];
  for (const [scenario, share] of Object.entries(CEILING_SHARE)) {
    const want = share * factor;
    const cells = sizes.map((size) => {
      const m = get(scenario, size);
      const ceiling = get('healthz', size);
      return m && ceiling ? { text: `${(m.rps / ceiling.rps).toFixed(3)} (${fmt(m.rps)} ÷ ${fmt(ceiling.rps)}/s)`, met: m.rps / ceiling.rps >= want } : undefined;
    });
    if (cells.every((c) => !c)) continue;
    const verdict = cells.every((c) => !c || c.met) ? 'met' : '**missed**';
    lines.push(`| ${scenario} ≥ ${want} of /healthz | ${cells.map((c) => c?.text ?? '–').join(' | ')} | ${verdict} |`);
  }
  const [lo, hi] = [sizes[0], sizes.at(-1)];
  if (lo !== undefined && hi !== undefined && lo !== hi) {
    for (const scenario of FLAT) {
      const a = get(scenario, lo);
      const b = get(scenario, hi);
      if (!a || !b) continue;
      const growth = cost(b) / cost(a);
      lines.push(`| ${scenario} CPU per request, ${fmt(lo)} → ${fmt(hi)} ≤ ${MAX_GROWTH}× | ${sizes.map((size) => { const m = get(scenario, size); return m ? `${cost(m).toFixed(3)} ms` : '–'; }).join(' | ')} | ${growth.toFixed(2)}×: ${growth <= MAX_GROWTH ? 'met' : '**missed**'} |`);
    }
  }
  const largest = one.filter((m) => m.size === hi && m.serverRssMb !== undefined);
  if (hi !== undefined && largest.length) {
    const peak = Math.max(...largest.map((m) => m.serverRssMb!));
    const cell = (size: number) => {
      const at = one.filter((m) => m.size === size && m.serverRssMb !== undefined);
      return at.length ? `${Math.max(...at.map((m) => m.serverRssMb!))} MB (anonymous ${Math.max(...at.map((m) => m.serverAnonMb ?? 0))} MB)` : '–';
    };
    lines.push(`| server RSS at ${fmt(hi)} users ≤ ${MAX_RSS_MB} MB | ${sizes.map(cell).join(' | ')} | ${peak <= MAX_RSS_MB ? 'met' : '**missed**'} |`);
  }
  return lines.join('\n');
}
