import { startServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { USER_URN, PATCH_OP_URN, createUser } from '../support/scim.ts';
const s = await startServer(storeKinds()[0]!);
const u = await createUser(s);
const arr = (d: number) => `${'['.repeat(d)}1${']'.repeat(d)}`;
const obj = (d: number) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`;
for (const [m, url, b] of [
  ['POST', '/scim/v2/Users', `{"schemas":["${USER_URN}"],"userName":"n","emails":${arr(10000)}}`],
  ['POST', '/scim/v2/Users', `{"schemas":["${USER_URN}"],"userName":"n2","name":${obj(10000)}}`],
  ['POST', '/scim/v2/Bulk', `{"Operations":${arr(10000)}}`],
  ['PATCH', `/scim/v2/Users/${u.id}`, `{"schemas":["${PATCH_OP_URN}"],"Operations":[{"op":"add","path":"title","value":${arr(10000)}}]}`],
  ['PATCH', `/scim/v2/Users/${u.id}`, `{"schemas":["${PATCH_OP_URN}"],"Operations":[{"op":"add","value":{"x":${obj(10000)}}}]}`],
  ['POST', '/scim/v2/.search', `{"filter":"userName pr","attributes":${arr(10000)}}`],
  ['GET', `/scim/v2/Users?filter=${encodeURIComponent('('.repeat(5000) + 'userName pr' + ')'.repeat(5000))}`, undefined],
  ['GET', `/scim/v2/Users?filter=${encodeURIComponent('not ('.repeat(1500) + 'userName pr' + ')'.repeat(1500))}`, undefined],
] as const) {
  const r = await s.scim(m, url, b);
  console.log(m, url.slice(0, 30), (b ?? '').slice(0, 50), '→', r.status, r.raw.slice(0, 120));
}
await s.close();
