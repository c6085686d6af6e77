// Users and groups for the SQL ⇔ evaluator equivalence test: unicode, several email types, missing
// attributes, nulls, empty strings, LIKE metacharacters and the enterprise extension.
import { foldString, foldsCase } from '../../../src/scim/fold.ts';
import type { AttributeDef, SchemaDef } from '../../../src/scim/schemas/types.ts';
import { ENTERPRISE, ENTERPRISE_USER, GROUP, USER } from './fixtures.ts';

type Json = Record<string, unknown>;

const base: Json[] = [
  {
    userName: 'BJensen',
    externalId: 'BJ-1',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    title: 'Tour Guide',
    active: true,
    loginCount: 12,
    score: 4.5,
    tags: ['blue', 'Green'],
    emails: [
      { value: 'bjensen@Example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home', display: 'Babs' },
    ],
    phoneNumbers: [{ value: '555-1234', type: 'work' }],
    [ENTERPRISE]: { employeeNumber: '701984', costCenter: 'CC-1', manager: { value: 'mgr-1', displayName: 'Jim' } },
  },
  {
    userName: 'DUPRÉ',
    externalId: 'dupre',
    name: { givenName: 'Élodie', familyName: 'DUPRÉ' },
    title: 'Directrice Générale',
    active: true,
    emails: [{ value: 'Elodie.Dupre@Example.COM', type: 'WORK', primary: false }],
    [ENTERPRISE]: { employeeNumber: '702000', manager: { value: 'MGR-1' } },
  },
  // Decomposed É (E + U+0301): equal to DUPRÉ once folded with NFC.
  { userName: 'dupre.nfd', name: { familyName: 'DUPRE\u0301' }, emails: [{ value: 'nfd@example.org', type: 'other' }] },
  { userName: 'sparse' },
  { userName: 'nulls', externalId: null, title: null, name: { givenName: null }, emails: [], active: false, tags: [] },
  { userName: 'empty-strings', externalId: '', title: '', name: { givenName: '', familyName: 'X' }, tags: [''] },
  { userName: 'percent%user', title: '50%_off\\deal', emails: [{ value: '50%@x_y.com', type: 'work' }] },
  { userName: 'under_score', title: 'a_b', emails: [{ value: 'axb@x.com', type: 'work' }] },
  { userName: 'emoji😀', displayName: 'Smiley 😀', title: '\uFFFD replacement', score: -1.25 },
  { userName: 'Zoë', name: { givenName: 'Zoë', familyName: 'Ærø' }, active: false, loginCount: 0 },
  {
    userName: 'multi.work',
    emails: [
      { value: 'one@work.com', type: 'work' },
      { value: 'two@work.com', type: 'work', primary: true },
      { value: 'typeless@x.com' },
    ],
    phoneNumbers: [{ value: '555-0000' }, { value: '555-9999', type: 'mobile', primary: true }],
    loginCount: -3,
  },
  { userName: 'primary.false', emails: [{ value: 'pf@x.com', type: 'home', primary: false }], active: true },
  { userName: 'Case.Exact', externalId: 'CASE-exact', [ENTERPRISE]: { costCenter: 'cc-1', employeeNumber: 'E-7' } },
  { userName: 'manager.only', [ENTERPRISE]: { manager: { displayName: 'Nobody' } } },
  { userName: 'tags.user', tags: ['RED', 'blue'], title: 'Tour guide' },
];

/** 15 more users varied by index, so ranges and counts have something to bite on. */
const generated: Json[] = Array.from({ length: 15 }, (_, i) => {
  const u: Json = { userName: `user${String(i).padStart(2, '0')}` };
  if (i % 2 === 0) u.active = i % 4 === 0;
  if (i % 3 !== 0) u.loginCount = i * 7;
  if (i % 5 !== 1) u.title = ['Engineer', 'engineer II', 'Manager', 'Tour Guide'][i % 4];
  if (i % 4 !== 3) u.externalId = `ext-${i}`;
  if (i % 2 === 1) u.name = { givenName: `Given${i}`, familyName: i % 3 === 0 ? 'Smith' : 'smith-jones' };
  if (i % 3 !== 2) {
    u.emails = [{ value: `user${i}@${i % 2 ? 'example.com' : 'Example.org'}`, type: i % 3 ? 'work' : 'home', ...(i % 4 === 0 ? { primary: true } : {}) }];
  }
  if (i % 4 === 1) u[ENTERPRISE] = { employeeNumber: `${700000 + i}`, manager: { value: `mgr-${i % 3}` } };
  if (i % 6 === 2) u.score = i / 4;
  return u;
});

export interface Row {
  id: string;
  company: string;
  /** Stored resource: wire form without id, meta and groups. */
  resource: Json;
  created: string;
  updated: string;
}

export const users: Row[] = [...base, ...generated].map((resource, i) => ({
  id: `u${String(i).padStart(2, '0')}`,
  company: 'c1',
  resource,
  created: new Date(Date.UTC(2024, 0, 1 + i, 8, i)).toISOString(),
  updated: new Date(Date.UTC(2024, 5, 1 + (i % 7), 12)).toISOString(),
}));
/** Another tenant's user matching almost everything: company scoping must keep it out. */
users.push({ id: 'other', company: 'c2', resource: { ...base[0]! }, created: '2024-01-01T00:00:00.000Z', updated: '2024-01-01T00:00:00.000Z' });

export const groups = [
  { id: 'g1', displayName: 'Admins', members: ['u00', 'u01', 'u05'] },
  { id: 'g2', displayName: 'Everyone', members: users.filter((u) => u.company === 'c1').slice(0, -5).map((u) => u.id) },
  { id: 'g3', displayName: 'Empty', members: [] as string[] },
];

/** The wire form the evaluator sees: stored resource plus id, meta and the derived groups. */
export function wireUser(u: Row): Json {
  const memberOf = groups.filter((g) => g.members.includes(u.id)).map((g) => ({ value: g.id, display: g.displayName }));
  return { ...u.resource, id: u.id, meta: { created: u.created, lastModified: u.updated }, ...(memberOf.length ? { groups: memberOf } : {}) };
}

function foldValue(v: unknown, def: AttributeDef): unknown {
  if (Array.isArray(v)) return v.map((e) => foldValue(e, def));
  if (def.type === 'complex' && v && typeof v === 'object') return foldObject(v as Json, def.subAttributes ?? []);
  return typeof v === 'string' && foldsCase(def) ? foldString(v) : v;
}

function foldObject(obj: Json, defs: AttributeDef[]): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) {
    const def = defs.find((d) => d.name === k);
    out[k] = def ? foldValue(v, def) : v;
  }
  return out;
}

/** resource_ci as the store keeps it: every value for which foldsCase() holds, folded. */
export function foldResource(resource: Json, core: SchemaDef = USER, extensions: SchemaDef[] = [ENTERPRISE_USER]): Json {
  const out = foldObject(resource, core.attributes);
  for (const ext of extensions) {
    const part = resource[ext.id];
    if (part && typeof part === 'object') out[ext.id] = foldObject(part as Json, ext.attributes);
  }
  return out;
}

export const foldGroup = (resource: Json) => foldResource(resource, GROUP, []);
