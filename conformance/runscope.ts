// A runner for Runscope API-test exports (the format of Okta's SCIM 2.0 SPEC test): request steps with
// {{variable}} templates, variables captured from JSON responses, and Runscope's assertion comparisons.
// Pause steps are skipped: they only gave Okta's own back end time to settle. A step's post-response scripts
// run in a sandbox with Runscope's script globals (response, request, variables, assert, log); each script is
// one assertion, failed when it throws.
import nodeAssert from 'node:assert';
import vm from 'node:vm';

export interface RunscopeAssertion {
  source: 'response_status' | 'response_json' | 'response_time';
  comparison: string;
  property?: string | null;
  value?: string | null;
}

export interface RunscopeStep {
  step_type: 'request' | 'pause';
  skipped?: boolean;
  note?: string;
  method?: string;
  url?: string;
  headers?: Record<string, string[]>;
  body?: string;
  assertions?: RunscopeAssertion[];
  variables?: { source: 'response_json'; name: string; property: string }[];
  scripts?: string[];
}

export interface RunscopeTest {
  name: string;
  steps: RunscopeStep[];
}

export interface AssertionResult {
  step: string;
  assertion: string;
  passed: boolean;
  actual: unknown;
  /** The expected value with its {{variables}} filled in (the label keeps them as written, so it is stable). */
  expected?: string | null;
}

const template = (text: string, vars: Map<string, string>) => text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, name: string) => vars.get(name) ?? whole);

/** Reads `Resources[0].name.familyName` from a parsed JSON body. */
export function property(json: unknown, path: string): unknown {
  let current: unknown = json;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

const isEmpty = (v: unknown) =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** Runscope's comparisons, as its documentation defines them. */
export function compare(comparison: string, actual: unknown, expected: string | null | undefined): boolean {
  const text = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  switch (comparison) {
    case 'equal':
      return actual !== undefined && text(actual) === String(expected ?? '');
    case 'not_equal':
      return text(actual) !== String(expected ?? '');
    case 'empty':
      return isEmpty(actual);
    case 'not_empty':
      return !isEmpty(actual);
    case 'equal_number':
      return actual !== undefined && actual !== null && actual !== '' && Number(actual) === Number(expected);
    case 'is_a_number':
      return typeof actual === 'number' || (typeof actual === 'string' && actual.trim() !== '' && !Number.isNaN(Number(actual)));
    case 'is_less_than':
      return Number(actual) < Number(expected);
    case 'is_greater_than':
      return Number(actual) > Number(expected);
    case 'contains':
      return Array.isArray(actual) ? actual.some((e) => text(e) === String(expected)) : typeof actual === 'string' && actual.includes(String(expected));
    case 'does_not_contain':
      return !compare('contains', actual, expected);
    case 'has_value':
      return Array.isArray(actual) ? actual.some((e) => text(e) === String(expected)) : actual !== undefined && text(actual) === String(expected);
    default:
      throw new Error(`Runscope comparison "${comparison}" is not implemented`);
  }
}

/** Runs the test's initial script (it calls variables.set) in a sandbox. */
function initialVariables(script: string, initial: Record<string, string>): Map<string, string> {
  const vars = new Map(Object.entries(initial));
  const variables = { set: (k: string, v: unknown) => void vars.set(k, String(v)), get: (k: string) => vars.get(k) };
  vm.runInNewContext(script, { variables, Math });
  return vars;
}

export async function runRunscope(
  test: RunscopeTest,
  options: { initialScript: string; variables: Record<string, string> },
): Promise<AssertionResult[]> {
  const vars = initialVariables(options.initialScript, options.variables);
  const results: AssertionResult[] = [];
  for (const [index, step] of test.steps.entries()) {
    if (step.step_type !== 'request' || step.skipped) continue;
    // Named as written (not templated), so a name is the same on every run.
    const name = `${index + 1}. ${(step.note ?? `${step.method} ${step.url}`).trim()}`;
    const headers = Object.fromEntries(Object.entries(step.headers ?? {}).map(([k, v]) => [k, template(v.join(', '), vars)]));
    const started = performance.now();
    const response = await fetch(encodeURI(template(step.url ?? '', vars)), {
      method: step.method ?? 'GET',
      headers,
      ...(step.body ? { body: template(step.body, vars) } : {}),
    });
    const raw = await response.text();
    const elapsed = performance.now() - started;
    let json: unknown;
    try {
      json = raw ? JSON.parse(raw) : undefined;
    } catch {
      json = undefined;
    }
    for (const a of step.assertions ?? []) {
      const actual =
        a.source === 'response_status' ? response.status : a.source === 'response_time' ? elapsed : property(json, a.property ?? '');
      const expected = a.value === null || a.value === undefined ? a.value : template(a.value, vars);
      const label = `${a.source}${a.property ? ` ${a.property}` : ''} ${a.comparison}${a.value !== null && a.value !== undefined ? ` ${a.value}` : ''}`;
      results.push({ step: name, assertion: label, passed: compare(a.comparison, actual, expected), actual, expected });
    }
    for (const [n, script] of (step.scripts ?? []).entries()) {
      if (!script.trim()) continue;
      const label = `script${(step.scripts ?? []).filter((x) => x.trim()).length > 1 ? ` ${n + 1}` : ''}`;
      const context = {
        response: { status: response.status, body: raw, headers: Object.fromEntries(response.headers), response_time: elapsed },
        request: { method: step.method, url: template(step.url ?? '', vars), headers },
        variables: { set: (k: string, v: unknown) => void vars.set(k, String(v)), get: (k: string) => vars.get(k) },
        assert: nodeAssert,
        log: () => undefined,
        JSON,
        Array,
      };
      try {
        vm.runInNewContext(script, context, { timeout: 1000 });
        results.push({ step: name, assertion: label, passed: true, actual: undefined });
      } catch (e) {
        results.push({ step: name, assertion: label, passed: false, actual: e instanceof Error ? e.message : String(e) });
      }
    }
    for (const v of step.variables ?? []) {
      const value = property(json, v.property);
      if (value !== undefined) vars.set(v.name, String(value));
    }
  }
  return results;
}
