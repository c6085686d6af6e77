// Company names are unique ignoring case, also when admins create or rename companies at the same moment (on
// PostgreSQL both transactions may look before either has written): the loser gets the same conflict as ever.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createCompany, listCompanies, updateCompanySettings } from '../../src/directory/companies.ts';
import { AdminError } from '../../src/directory/errors.ts';
import { storeKinds } from '../support/stores.ts';

for (const kind of storeKinds()) {
  describe(`company names on ${kind.name}`, () => {
    it('lets one of eight simultaneous creates of one name succeed and answers the others with a conflict naming it', async () => {
      const store = await kind.open();
      try {
        const results = await Promise.allSettled(['Acme', 'ACME', 'acme', 'Acme', 'aCme', 'acmE', 'Acme', 'ACme'].map((name) => createCompany(store, { name }, CLI_ACTOR)));
        const created = results.filter((r) => r.status === 'fulfilled');
        assert.equal(created.length, 1);
        for (const r of results) {
          if (r.status === 'fulfilled') continue;
          assert.ok(r.reason instanceof AdminError && r.reason.kind === 'conflict', String(r.reason));
          assert.match(r.reason.message, /^A company named "acme" already exists/i);
        }
        assert.equal((await listCompanies(store)).length, 1);
      } finally {
        await store.close();
      }
    });

    it('answers simultaneous renames of two companies to one name with one rename and one conflict', async () => {
      const store = await kind.open();
      try {
        const a = await createCompany(store, { name: 'A' }, CLI_ACTOR);
        const b = await createCompany(store, { name: 'B' }, CLI_ACTOR);
        const results = await Promise.allSettled([a, b].map((c) => updateCompanySettings(store, c.id, { name: 'Initech' }, CLI_ACTOR)));
        assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        const lost = results.find((r) => r.status === 'rejected');
        assert.ok(lost?.reason instanceof AdminError && lost.reason.kind === 'conflict', String(lost?.reason));
        const kept = results[0]!.status === 'fulfilled' ? 'B' : 'A';
        assert.deepEqual((await listCompanies(store)).map((c) => c.name).sort(), [kept, 'Initech']);
      } finally {
        await store.close();
      }
    });
  });
}
