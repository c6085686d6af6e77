// Companies, system users and API keys: who may use Roster and for which company.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { createApiKey, listApiKeys, revokeApiKey } from '../../../auth/api-keys.ts';
import { createSystemUser, deleteSystemUser, getSystemUser, listSystemUsers } from '../../../auth/system-users.ts';
import type { Role } from '../../../auth/principal.ts';
import { companyJson, createCompany, listCompanies, requireCompany, updateCompanySettings } from '../../../directory/companies.ts';
import type { Store } from '../../../store/open.ts';
import { scimBaseUrl } from '../../scim/auth.ts';
import { actorOf, principalOf, requireCompanyAccess, requireOperator, requireWriter } from '../access.ts';
import { ApiError } from '../errors.ts';
import { auditLogPage } from './directory.ts';
import { CompanyItemParams, CompanyParams, Described, Empty, ERROR_RESPONSES, Id, Nullable, Page, PageQuery } from '../schemas.ts';

export interface PeopleOptions {
  store: Store;
  /** The base of invitation links: PUBLIC_URL, else the origin the request came to. */
  publicUrl: string | undefined;
}

const CompanySettings = {
  licenseLimit: Type.Optional(Nullable(Type.Integer({ minimum: 0, description: 'Active users the licence covers; null for no limit' }))),
  licenseEnforce: Type.Optional(Type.Boolean({ description: 'Refuse users beyond the limit (else only report them)' })),
  allowedDomains: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 1000, description: 'Email domains mail may go to; empty for any' })),
  language: Type.Optional(Nullable(Type.String({ maxLength: 35, description: 'BCP 47 tag for users without their own; null for English' }))),
};
const Company = Described('A company: {id, name, licenseLimit, licenseEnforce, allowedDomains, language, createdAt, activeUsers, licenseExceeded, licenseExceededSince}');
const RoleSchema = Type.Union([Type.Literal('operator'), Type.Literal('admin'), Type.Literal('viewer')]);

export async function peopleRoutes(app: FastifyInstance, { store, publicUrl }: PeopleOptions): Promise<void> {
  app.get('/companies', { schema: { tags: ['companies'], summary: 'The companies the caller may see', response: { 200: Type.Object({ items: Type.Array(Company) }) } } }, async (request) => {
    const p = principalOf(request);
    const companies = p.companyId === null ? await listCompanies(store) : [await requireCompany(store, p.companyId)];
    return { items: companies.map(companyJson) };
  });
  app.post(
    '/companies',
    {
      schema: {
        tags: ['companies'],
        summary: 'Create a company (operators)',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), ...CompanySettings }, { additionalProperties: false }),
        response: { 201: Company, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      requireOperator(request);
      const body = request.body as { name: string };
      return reply.code(201).send(companyJson(await createCompany(store, body, actorOf(request))));
    },
  );
  app.get('/companies/:companyId', { schema: { tags: ['companies'], summary: 'A company and its licence usage', params: CompanyParams, response: { 200: Company, ...ERROR_RESPONSES } } }, async (request) => {
    const { companyId } = request.params as { companyId: string };
    requireCompanyAccess(request, companyId);
    return companyJson(await requireCompany(store, companyId));
  });
  app.patch(
    '/companies/:companyId',
    {
      schema: {
        tags: ['companies'],
        summary: "Change a company's name, licence, allowed domains or language",
        params: CompanyParams,
        body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...CompanySettings }, { additionalProperties: false }),
        response: { 200: Company, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { companyId } = request.params as { companyId: string };
      requireCompanyAccess(request, companyId);
      requireWriter(request);
      return companyJson(await updateCompanySettings(store, companyId, request.body as object, actorOf(request)));
    },
  );

  app.get(
    '/audit-log',
    {
      schema: {
        tags: ['logs'],
        summary: "Operators: the audit log of changes that belong to no company (operators' system users and API keys, sign-ins of unknown emails), newest first",
        querystring: PageQuery,
        response: { 200: Page('An audit entry'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      requireOperator(request);
      return auditLogPage(store, null, request.query as { limit?: number; cursor?: string });
    },
  );

  const SystemUser = Described('A system user: {id, email, role, companyId, status: invited|active|locked, createdAt, lastSignInAt}');
  app.get(
    '/system-users',
    {
      schema: {
        tags: ['system users'],
        summary: "System users: an operator's view is every user (or one company's), an admin's their company's",
        querystring: Type.Object({ companyId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(SystemUser) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const p = principalOf(request);
      requireWriter(request);
      const asked = (request.query as { companyId?: string }).companyId;
      if (asked !== undefined) requireCompanyAccess(request, asked);
      return { items: await listSystemUsers(store, { companyId: p.companyId ?? asked ?? null }) };
    },
  );
  app.post(
    '/system-users',
    {
      schema: {
        tags: ['system users'],
        summary: 'Invite a system user: the answer holds a one-time invitation link',
        body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), role: RoleSchema, companyId: Type.Optional(Nullable(Id)) }, { additionalProperties: false }),
        response: { 201: Described('{user, invitationUrl, invitationExpiresAt}'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      requireWriter(request);
      const body = request.body as { email: string; role: Role; companyId?: string | null };
      // An admin invites admins and viewers of their own company only.
      if (p.companyId !== null) {
        if (body.role === 'operator') throw new ApiError('forbidden', 'Only an operator can invite an operator');
        if (body.companyId && body.companyId !== p.companyId) throw ApiError.notFound('Company');
        body.companyId = p.companyId;
      }
      const created = await createSystemUser(store, body, actorOf(request));
      return reply.code(201).send({
        user: created.user,
        invitationUrl: `${scimBaseUrl(request, publicUrl, '')}/accept-invitation#token=${created.invitationToken}`,
        invitationExpiresAt: created.invitationExpiresAt,
      });
    },
  );
  app.delete(
    '/system-users/:id',
    { schema: { tags: ['system users'], summary: 'Delete a system user; their sessions end', params: Type.Object({ id: Id }), response: { 204: Empty, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      requireWriter(request);
      const { id } = request.params as { id: string };
      const user = await getSystemUser(store, id);
      const p = principalOf(request);
      if (p.companyId !== null && user.companyId !== p.companyId) throw ApiError.notFound('System user');
      await deleteSystemUser(store, id, actorOf(request));
      return reply.code(204).send();
    },
  );

  const ApiKey = Described('An API key, never its secret: {id, companyId, name, role, prefix, createdAt, lastUsedAt, revokedAt, createdBy}');
  app.get('/companies/:companyId/api-keys', { schema: { tags: ['api keys'], summary: "A company's API keys", params: CompanyParams, response: { 200: Type.Object({ items: Type.Array(ApiKey) }), ...ERROR_RESPONSES } } }, async (request) => {
    const { companyId } = request.params as { companyId: string };
    requireCompanyAccess(request, companyId);
    requireWriter(request);
    return { items: await listApiKeys(store, companyId) };
  });
  app.post(
    '/companies/:companyId/api-keys',
    {
      schema: {
        tags: ['api keys'],
        summary: 'Create an API key: the answer holds the key, shown this once',
        params: CompanyParams,
        body: Type.Object(
          { name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('viewer')])) },
          { additionalProperties: false },
        ),
        response: { 201: Described('{key, apiKey}'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { companyId } = request.params as { companyId: string };
      requireCompanyAccess(request, companyId);
      requireWriter(request);
      await requireCompany(store, companyId);
      return reply.code(201).send(await createApiKey(store, { companyId, ...(request.body as object) }, actorOf(request)));
    },
  );
  app.delete('/companies/:companyId/api-keys/:id', { schema: { tags: ['api keys'], summary: 'Revoke an API key', params: CompanyItemParams, response: { 200: ApiKey, ...ERROR_RESPONSES } } }, async (request) => {
    const { companyId, id } = request.params as { companyId: string; id: string };
    requireCompanyAccess(request, companyId);
    requireWriter(request);
    return revokeApiKey(store, companyId, id, actorOf(request));
  });
}
