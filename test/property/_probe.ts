import { startServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { USER_URN, GROUP_URN } from '../support/scim.ts';
import { evaluatorIds } from '../scim/filter/oracle.ts';
import { resolveAttribute } from '../../src/scim/schemas/index.ts';
for (const kind of storeKinds()) {
  const s = await startServer(kind);
  const u = (await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: 'ann', [`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`]: { department: 'DUPRÉ' } })).body;
  await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: 'bob' });
  const g = (await s.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: 'g', members: [{ value: u.id }] })).body;
  const all = (await s.scim('GET', '/scim/v2/Users')).body.Resources.map((r: any) => ({ id: r.id, wire: r }));
  for (const f0 of process.argv.slice(2)) {
    const f = f0.replace('$G', g.id).replace('$g', g.id.toUpperCase());
    const r = await s.scim('GET', `/scim/v2/Users?filter=${encodeURIComponent(f)}`);
    const e = evaluatorIds(f, all, (p) => resolveAttribute('User', p));
    const name = (id: string) => all.find((x: any) => x.id === id)?.wire.userName;
    console.log(kind.name, f0, '→', r.status, r.body.Resources?.map((u: any) => u.userName) ?? r.raw, 'evaluator:', e.ok ? e.ids.map(name) : e.error.detail);
  }
  await s.close();
}
