// API keys on both stores: shown once, stored hashed, a principal of their company and role, revoked for good,
// their last use recorded at most once a minute, and malformed keys refused without a lookup.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiKeyPrincipal, createApiKey, listApiKeys, revokeApiKey } from '../../src/auth/api-keys.ts';
import { actorName } from '../../src/auth/principal.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createCompany } from '../../src/directory/companies.ts';
import { AdminError } from '../../src/directory/errors.ts';
import type { Store } from '../../src/store/open.ts';
import { storeKinds } from '../support/stores.ts';

const kindOf = (kind: string) => (e: unknown) => e instanceof AdminError && e.kind === kind;

for (const kind of storeKinds()) {
  describe(`API keys on ${kind.name}`, () => {
    let store: Store;
    let companyId: string;
    let otherCompanyId: string;
    before(async () => {
      store = await kind.open();
      companyId = (await createCompany(store, { name: 'Acme' }, CLI_ACTOR)).id;
      otherCompanyId = (await createCompany(store, { name: 'Globex' }, CLI_ACTOR)).id;
    });
    after(() => store.close());

    it('creates a key rk_<prefix>_<secret> shown once; the database holds only its hash and prefix', async () => {
      const { key, apiKey } = await createApiKey(store, { companyId, name: 'HR sync', role: 'viewer' }, CLI_ACTOR);
      assert.match(key, /^rk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
      assert.equal(apiKey.prefix, key.slice(0, 11));
      assert.deepEqual({ ...apiKey, id: '', createdAt: '', prefix: '' }, { id: '', companyId, name: 'HR sync', role: 'viewer', prefix: '', createdAt: '', lastUsedAt: null, revokedAt: null, createdBy: 'cli' });
      const row = await store.db.selectFrom('api_keys').selectAll().where('id', '=', apiKey.id).executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes(key.slice(12)), 'the secret is nowhere in the row');
      assert.deepEqual(await listApiKeys(store, companyId), [apiKey]);
      assert.ok(!JSON.stringify(await listApiKeys(store, companyId)).includes(key));
      const audit = await store.db.selectFrom('audit_log').selectAll().where('entity_id', '=', apiKey.id).execute();
      assert.deepEqual(audit.map((a) => [a.entity, a.operation]), [['api-key', 'create']]);
      assert.ok(!JSON.stringify(audit).includes(key.slice(12)));
    });

    it('a key is a principal of its company and role, named in the audit log as api-key:<name> (<id>); admin by default', async () => {
      const { key, apiKey } = await createApiKey(store, { companyId }, CLI_ACTOR);
      assert.equal(apiKey.role, 'admin');
      const principal = await apiKeyPrincipal(store, key);
      assert.deepEqual(principal, { kind: 'apiKey', id: apiKey.id, name: apiKey.name, role: 'admin', companyId });
      assert.equal(actorName(principal!), `api-key:${apiKey.name} (${apiKey.id})`);
    });

    it('records the last use at most once a minute', async () => {
      const { key, apiKey } = await createApiKey(store, { companyId, name: 'used' }, CLI_ACTOR);
      const now = new Date();
      const lastUsed = async () => (await listApiKeys(store, companyId)).find((k) => k.id === apiKey.id)!.lastUsedAt;
      await apiKeyPrincipal(store, key, now);
      assert.equal(await lastUsed(), now.toISOString());
      await apiKeyPrincipal(store, key, new Date(now.getTime() + 30_000));
      assert.equal(await lastUsed(), now.toISOString());
      await apiKeyPrincipal(store, key, new Date(now.getTime() + 60_000));
      assert.equal(await lastUsed(), new Date(now.getTime() + 60_000).toISOString());
    });

    it('refuses malformed and unknown keys', async () => {
      const { key } = await createApiKey(store, { companyId }, CLI_ACTOR);
      for (const bad of ['', 'rk_', key.slice(0, -1), `${key}x`, key.replace('rk_', 'rs_'), key.slice(0, -4) + 'AAAA', `Bearer ${key}`]) {
        assert.equal(await apiKeyPrincipal(store, bad), undefined, bad);
      }
    });

    it('revoking stops the key at once; a second revoke is a conflict and another company cannot see it', async () => {
      const { key, apiKey } = await createApiKey(store, { companyId, name: 'to revoke' }, CLI_ACTOR);
      await assert.rejects(revokeApiKey(store, otherCompanyId, apiKey.id, CLI_ACTOR), kindOf('notFound'));
      const revoked = await revokeApiKey(store, companyId, apiKey.id, CLI_ACTOR);
      assert.notEqual(revoked.revokedAt, null);
      assert.equal(await apiKeyPrincipal(store, key), undefined);
      await assert.rejects(revokeApiKey(store, companyId, apiKey.id, CLI_ACTOR), kindOf('conflict'));
    });

    it('refuses an unknown company, a role other than admin or viewer and an overlong name', async () => {
      await assert.rejects(createApiKey(store, { companyId: 'nope' }, CLI_ACTOR), kindOf('notFound'));
      await assert.rejects(createApiKey(store, { companyId, role: 'operator' as 'admin' }, CLI_ACTOR), kindOf('invalid'));
      await assert.rejects(createApiKey(store, { companyId, name: 'n'.repeat(101) }, CLI_ACTOR), kindOf('invalid'));
    });
  });
}
