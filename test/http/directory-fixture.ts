// A small directory of 25 users and 4 groups, created through the SCIM API, that the listing suites filter,
// sort and page. Users are created one minute apart on a pinned clock (2024-01-01T00:01Z, …T00:02Z, …), so
// meta.created and meta.lastModified literals select a known set.
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../support/app.ts';
import type { StoreKind } from '../support/stores.ts';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

interface SeedUser {
  userName: string;
  externalId?: string;
  given?: string;
  family?: string;
  displayName?: string;
  /** [value, type, primary] */
  emails?: [string, string, boolean?][];
  /** Omitted: pushed without `active`. */
  active?: boolean;
  department?: string;
  employeeNumber?: string;
  /** userName of the manager, resolved to its id. */
  manager?: string;
  title?: string;
}

/** Creation order is the order below: user i (1-based) is created at 2024-01-01T00:0i:00Z. */
export const SEED_USERS: SeedUser[] = [
  { userName: 'alice@example.com', externalId: 'EXT-001', given: 'Alice', family: 'Anders', emails: [['alice@example.com', 'work', true], ['alice.home@mail.net', 'home']], active: true, department: 'Engineering', employeeNumber: '1001', title: 'Engineer' },
  { userName: 'bob@example.com', externalId: 'ext-001', given: 'Bob', family: 'Brown', emails: [['bob@example.com', 'work', true]], active: false, department: 'Sales', employeeNumber: '1002', manager: 'alice@example.com' },
  { userName: 'carol@example.com', externalId: 'EXT-003', given: 'Carol', family: 'Clark', emails: [['carol@x.org', 'work'], ['carol@example.net', 'home']], active: true, department: 'Engineering', employeeNumber: '1003', manager: 'alice@example.com' },
  { userName: 'dave@example.com', given: 'Dave', displayName: 'Dave "Dino" Dunn', emails: [['dave@example.com', 'work', true]], active: true },
  { userName: 'erin@example.com', externalId: 'EXT-005', given: 'Erin', family: 'Evans', emails: [['erin@x.org', 'home']], active: true, department: 'Marketing', employeeNumber: '1005' },
  { userName: 'frank@example.com', given: 'Frank', family: 'Fischer', emails: [['zz-frank@example.com', 'work'], ['frank@x.org', 'other', true]], active: false, department: 'Sales', employeeNumber: '1006', manager: 'carol@example.com' },
  { userName: 'grace@example.com', given: 'Grace', family: 'Green', department: 'Engineering', employeeNumber: '1007' },
  { userName: 'heidi@example.com', given: 'Heidi', family: 'Hall', emails: [['heidi@example.com', 'work', true]], active: true, department: 'engineering' },
  { userName: 'ivan@example.com', given: 'Ivan', family: 'Ivanov', emails: [['IVAN@EXAMPLE.COM', 'Work', true]], active: true, employeeNumber: '1009' },
  { userName: 'judy@example.com', given: 'Judy', family: 'Jones', active: true, title: 'Manager' },
  { userName: 'Zoë@example.com', given: 'Zoë', family: 'Zimmer', emails: [['zoe@example.com', 'work']], active: true },
  { userName: 'DUPRÉ@example.com', given: 'Émile', family: 'Dupré', active: true, department: 'Légal' },
  { userName: '山田@example.jp', given: '太郎', family: '山田', emails: [['yamada@example.jp', 'work']], active: true },
  { userName: 'under_score@example.com', given: 'Una', family: 'Score', active: true },
  { userName: 'mallory@example.com', externalId: 'EXT-015', given: 'Mallory', family: 'Moss', active: false, title: 'Intern' },
  { userName: 'niaj@example.com', given: 'Niaj', family: 'Nash', emails: [['niaj@x.org', 'work']], active: true, department: 'Support' },
  { userName: 'olivia@example.com', given: 'Olivia', family: 'Ortiz', active: true },
  { userName: 'peggy@example.com', given: 'Peggy', family: 'Price', active: true, department: 'Support' },
  { userName: 'rupert@example.com', given: 'Rupert', family: 'Reed', active: true },
  { userName: 'sybil@example.com', given: 'Sybil', family: 'Stone', active: true },
  { userName: 'trent@example.com', given: 'Trent', family: 'Turner', active: true },
  { userName: 'victor@example.com', given: 'Victor', family: 'Vance', active: true },
  { userName: 'walter@example.com', given: 'Walter', family: 'White', active: true },
  { userName: 'bob.smith@example.com', given: 'Bob', family: 'Smith', emails: [['bob.smith@example.com', 'work', true]], active: true, department: 'Sales' },
  { userName: "o'neil@example.com", given: 'Owen', family: "O'Neil", active: true },
];

export const ALL_USER_NAMES = SEED_USERS.map((u) => u.userName);

/** The seed group names and their members' userNames. */
export const SEED_GROUPS: { displayName: string; externalId?: string; members: string[] }[] = [
  { displayName: 'Engineering', externalId: 'grp-eng', members: ['alice@example.com', 'carol@example.com', 'grace@example.com', 'heidi@example.com'] },
  { displayName: 'Sales', externalId: 'grp-sales', members: ['bob@example.com', 'frank@example.com', 'bob.smith@example.com'] },
  { displayName: 'Everyone Else', members: ['dave@example.com'] },
  { displayName: 'Empty', members: [] },
];

export const BASE_TIME = Date.parse('2024-01-01T00:00:00Z');
export const minute = (n: number) => new Date(BASE_TIME + n * 60_000).toISOString();

/** A clock the test moves by hand. */
export function manualClock(start = BASE_TIME) {
  let t = start;
  return { now: () => new Date(t), set: (ms: number) => void (t = ms) };
}

function userBody(u: SeedUser, ids: Map<string, string>): Record<string, unknown> {
  const enterprise: Record<string, unknown> = {};
  if (u.department) enterprise.department = u.department;
  if (u.employeeNumber) enterprise.employeeNumber = u.employeeNumber;
  if (u.manager) enterprise.manager = { value: ids.get(u.manager) };
  return {
    schemas: [USER_URN, ...(Object.keys(enterprise).length ? [ENTERPRISE] : [])],
    userName: u.userName,
    ...(u.externalId ? { externalId: u.externalId } : {}),
    ...(u.given || u.family ? { name: { ...(u.given ? { givenName: u.given } : {}), ...(u.family ? { familyName: u.family } : {}) } } : {}),
    ...(u.displayName ? { displayName: u.displayName } : {}),
    ...(u.emails ? { emails: u.emails.map(([value, type, primary]) => ({ value, type, ...(primary ? { primary } : {}) })) } : {}),
    ...(u.active !== undefined ? { active: u.active } : {}),
    ...(u.title ? { title: u.title } : {}),
    ...(Object.keys(enterprise).length ? { [ENTERPRISE]: enterprise } : {}),
  };
}

export interface Directory {
  server: TestServer;
  /** userName → id */
  userIds: Map<string, string>;
  /** displayName → id */
  groupIds: Map<string, string>;
  /** id → userName */
  nameOf: (id: string) => string;
}

/** Starts a server and creates the seed users (one minute apart) and groups through POST. */
export async function seedDirectory(kind: StoreKind): Promise<Directory> {
  const clock = manualClock();
  const server = await startServer(kind, { now: clock.now });
  const userIds = new Map<string, string>();
  for (const [i, u] of SEED_USERS.entries()) {
    clock.set(BASE_TIME + (i + 1) * 60_000);
    const res = await server.scim('POST', '/scim/v2/Users', userBody(u, userIds));
    assert.equal(res.status, 201, `creating ${u.userName}: ${res.raw}`);
    userIds.set(u.userName, res.body.id);
  }
  const groupIds = new Map<string, string>();
  for (const [i, g] of SEED_GROUPS.entries()) {
    clock.set(BASE_TIME + (100 + i) * 60_000);
    const res = await server.scim('POST', '/scim/v2/Groups', {
      schemas: [GROUP_URN],
      displayName: g.displayName,
      ...(g.externalId ? { externalId: g.externalId } : {}),
      members: g.members.map((m) => ({ value: userIds.get(m) })),
    });
    assert.equal(res.status, 201, `creating ${g.displayName}: ${res.raw}`);
    groupIds.set(g.displayName, res.body.id);
  }
  const names = new Map([...userIds].map(([name, id]) => [id, name]));
  return { server, userIds, groupIds, nameOf: (id) => names.get(id) ?? `<unknown ${id}>` };
}

/** The userNames of a ListResponse, sorted (for set comparisons). */
export const userNamesOf = (body: { Resources?: { userName: string }[] }) => (body.Resources ?? []).map((r) => r.userName).sort();
export const sorted = (names: readonly string[]) => [...names].sort();
