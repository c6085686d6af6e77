// Logs never contain tokens, and no personal data by default (issue "Tenancy and security"): a request log
// says method, path, status and timing, not the filter that names a person nor the body that describes one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loggerOptions } from '../../src/http/logging.ts';
import { logLines, request, seedTenant, startServer, tempDir, type RosterServer } from '../support/process.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PERSONAL = ['jane.doe@secret-corp.example', 'jane.private@home.example', 'Janeqx', 'Doeberg', 'secret-corp', 'EMP-55501'];

describe('the server log at LOG_LEVEL=info', () => {
  const dir = tempDir();
  let server: RosterServer;
  let token: string;
  let stdout = '';
  const wrongToken = 'rst_thisTokenIsWrongButStillMustNotBeLogged0000000';

  before(async () => {
    const databaseUrl = `sqlite:${join(dir.path, 'roster.db')}`;
    ({ token } = await seedTenant(databaseUrl));
    server = await startServer({ cwd: dir.path, env: { DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' } });
    const scim = (method: string, path: string, body?: unknown, bearer = token) =>
      request(`${server.origin}${path}`, { method, token: bearer, ...(body !== undefined ? { body } : {}) });

    const jane = {
      schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      userName: 'jane.doe@secret-corp.example',
      name: { givenName: 'Janeqx', familyName: 'Doeberg' },
      emails: [{ value: 'jane.private@home.example', type: 'home' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: 'EMP-55501' },
    };
    const created = await scim('POST', '/scim/v2/Users', jane);
    assert.equal(created.status, 201);
    const filter = encodeURIComponent('userName eq "jane.doe@secret-corp.example" or emails.value co "jane.private@home.example"');
    const statuses = [
      (await scim('GET', `/scim/v2/Users?filter=${filter}&attributes=userName`)).status,
      (await scim('POST', '/scim/v2/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName eq "jane.doe@secret-corp.example"' })).status,
      (await scim('GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "jane.doe@secret-corp.example" and')}`)).status,
      (await scim('POST', '/scim/v2/Users', jane)).status,
      (await scim('PATCH', `/scim/v2/Users/${created.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'name.familyName', value: 'Doeberg' }] })).status,
      (await scim('GET', `/scim/v2/Users?filter=${filter}`, undefined, wrongToken)).status,
      (await scim('GET', `/scim/v2/Users?access_token=${token}`, undefined, '')).status,
    ];
    assert.deepEqual(statuses, [200, 200, 400, 409, 200, 401, 401]);
    await server.stop();
    stdout = server.stdout();
  });
  after(() => {
    dir.remove();
  });

  it('records every request, with its method, path and status', () => {
    const lines = logLines(stdout);
    const completed = lines.filter((l) => l.msg === 'request completed').map((l) => l.res.statusCode);
    assert.ok(completed.includes(409) && completed.includes(401), `statuses logged: ${completed}`);
    assert.ok(lines.some((l) => l.msg === 'incoming request' && l.req.method === 'GET' && l.req.url === '/scim/v2/Users'));
  });

  it('contains neither the valid nor a wrong bearer token, nor any Authorization header', () => {
    assert.ok(!stdout.includes(token), 'the token is logged');
    assert.ok(!stdout.includes(token.slice(4, 20)), 'part of the token is logged');
    assert.ok(!stdout.includes(wrongToken), 'the wrong token is logged');
    assert.doesNotMatch(stdout, /bearer|authorization/i);
  });

  it('contains no userName, e-mail address, name or employee number, from filters or from bodies', () => {
    for (const value of PERSONAL) assert.ok(!stdout.includes(value), `"${value}" is in the log`);
    assert.ok(!stdout.includes('filter='), 'query strings are logged');
  });

  it('writes nothing to stderr', () => {
    assert.equal(server.stderr(), '');
  });
});

describe('the error serializer', () => {
  it('drops the row values PostgreSQL quotes in an unexpected error', () => {
    const error = Object.assign(new Error('insert or update on table "scim_group_members" violates foreign key constraint'), {
      code: '23503',
      detail: 'Key (user_id)=(jane.doe@secret-corp.example) is not present in table "scim_users".',
      where: 'SQL statement "…jane.doe@secret-corp.example…"',
    });
    const logged = JSON.stringify(loggerOptions('info').serializers.err(error));
    assert.ok(!logged.includes('jane.doe'), logged);
    assert.match(logged, /violates foreign key constraint/);
    assert.match(logged, /"code":"23503"/);
  });
});
