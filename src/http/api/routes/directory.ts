// A company's directory: target users, custom fields, groups and their members, and the job and audit logs.
// Every route here is under /companies/:companyId, whose access the company plugin (plugin.ts) has checked.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { createCustomField, listCustomFields } from '../../../directory/custom-fields.ts';
import { createGroup, deleteGroup, listGroupMembers, listGroups } from '../../../directory/groups.ts';
import { listAuditLog, listJobLog } from '../../../directory/logs.ts';
import { getTargetUser, listTargetUsers, showTargetUser, SORTS, type TargetUserQuery } from '../../../directory/target-users.ts';
import { createManualUser, deleteManualUser, updateManualUser, type ManualUserInput } from '../../../provisioning/manual-users.ts';
import type { Store } from '../../../store/open.ts';
import { findTargetUser } from '../../../store/target-users.ts';
import { actorOf, inCompany } from '../access.ts';
import { CompanyItemParams, CompanyParams, Cursor, Described, Empty, ERROR_RESPONSES, Limit, nextCursor, Nullable, Page, PageQuery } from '../schemas.ts';

const TargetUser = 'A target user: {id, email, firstName, lastName, active, department, title, phone, timezone, preferredLanguage, manager, customFields, groups, source: {kind, settingId, settingName}, deliverable, createdAt, updatedAt}';

/** The target-user filters, as the list and the CSV export take them. */
export const TargetUserFilters = {
  q: Type.Optional(Type.String({ maxLength: 320, description: 'Users whose email starts with this, ignoring case (results in email order)' })),
  email: Type.Optional(Type.String({ maxLength: 320, description: 'Only the user with this email, ignoring case' })),
  group: Type.Optional(Type.String({ maxLength: 256, description: "Only members of the group with this name" })),
  active: Type.Optional(Type.Boolean({ description: 'Only active (true) or inactive (false) users' })),
  source: Type.Optional(Type.String({ maxLength: 64, description: 'Only users provisioned by this SCIM setting id' })),
  field: Type.Optional(Type.String({ maxLength: 600, description: 'NAME=VALUE: only users whose custom field NAME holds VALUE, ignoring case' })),
};
export type TargetUserFilterQuery = Omit<TargetUserQuery, 'companyId' | 'limit' | 'after'>;

const UserFields = {
  firstName: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
  lastName: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
  department: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
  title: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
  phone: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
  timezone: Type.Optional(Nullable(Type.String({ maxLength: 256, description: 'IANA zone, Windows zone name or country code' }))),
  preferredLanguage: Type.Optional(Nullable(Type.String({ maxLength: 35, description: 'BCP 47 tag' }))),
  externalId: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
  manager: Type.Optional(Nullable(Type.String({ maxLength: 320, description: "The manager's email or externalId" }))),
  active: Type.Optional(Type.Boolean()),
  customFields: Type.Optional(
    Type.Record(Type.String({ maxLength: 64 }), Nullable(Type.String({ maxLength: 256 })), { description: 'Values by custom field name; null clears one' }),
  ),
};

export async function directoryRoutes(app: FastifyInstance, { store }: { store: Store }): Promise<void> {
  app.get(
    '/target-users',
    {
      schema: {
        tags: ['target users'],
        summary: 'A page of target users, filtered and sorted; walk pages with nextCursor',
        params: CompanyParams,
        querystring: Type.Object(
          { ...TargetUserFilters, sort: Type.Optional(Type.Union(SORTS.map((s) => Type.Literal(s)))), limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
          { additionalProperties: false },
        ),
        response: { 200: Page(TargetUser), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { companyId } = request.params as { companyId: string };
      const { cursor, ...query } = request.query as TargetUserFilterQuery & { limit?: number; cursor?: string };
      const items = await listTargetUsers(store, { companyId, ...query, ...(cursor !== undefined ? { after: cursor } : {}) });
      return { items, nextCursor: nextCursor(items, query.limit, (u) => u.id) };
    },
  );
  app.post(
    '/target-users',
    {
      schema: {
        tags: ['target users'],
        summary: 'Create a target user by hand',
        params: CompanyParams,
        body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), ...UserFields }, { additionalProperties: false }),
        response: { 201: Described(TargetUser), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { companyId } = request.params as { companyId: string };
      const created = await createManualUser(store, companyId, request.body as ManualUserInput, actorOf(request));
      return reply.code(201).send(await getTargetUser(store, created.id));
    },
  );
  const ownUser = async (companyId: string, id: string) => inCompany(await findTargetUser(store, id), companyId, 'Target user');
  app.get(
    '/target-users/:id',
    { schema: { tags: ['target users'], summary: 'A target user with its job-log history', params: CompanyItemParams, response: { 200: Described(`${TargetUser} and jobLog`), ...ERROR_RESPONSES } } },
    async (request) => {
      const { companyId, id } = request.params as { companyId: string; id: string };
      await ownUser(companyId, id);
      return showTargetUser(store, id);
    },
  );
  app.patch(
    '/target-users/:id',
    {
      schema: {
        tags: ['target users'],
        summary: 'Change a target user created by hand (a SCIM-managed one answers 409 naming its setting)',
        params: CompanyItemParams,
        body: Type.Object({ email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })), ...UserFields }, { additionalProperties: false }),
        response: { 200: Described(TargetUser), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { companyId, id } = request.params as { companyId: string; id: string };
      await ownUser(companyId, id);
      await updateManualUser(store, id, request.body as ManualUserInput, actorOf(request));
      return getTargetUser(store, id);
    },
  );
  app.delete(
    '/target-users/:id',
    { schema: { tags: ['target users'], summary: 'Delete a target user created by hand', params: CompanyItemParams, response: { 204: Empty, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { companyId, id } = request.params as { companyId: string; id: string };
      await ownUser(companyId, id);
      await deleteManualUser(store, id, actorOf(request));
      return reply.code(204).send();
    },
  );

  const CustomField = Described('A custom field: {id, name, type, createdAt}');
  const fieldJson = (f: { id: string; name: string; type: string; createdAt: string }) => ({ id: f.id, name: f.name, type: f.type, createdAt: f.createdAt });
  app.get('/custom-fields', { schema: { tags: ['custom fields'], summary: "The company's custom fields of target users", params: CompanyParams, response: { 200: Type.Object({ items: Type.Array(CustomField) }), ...ERROR_RESPONSES } } }, async (request) => {
    const { companyId } = request.params as { companyId: string };
    return { items: (await listCustomFields(store, companyId)).map(fieldJson) };
  });
  app.post(
    '/custom-fields',
    {
      schema: {
        tags: ['custom fields'],
        summary: 'Add a custom field',
        params: CompanyParams,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 64 }),
            type: Type.Optional(Type.Union(['text', 'number', 'email', 'date', 'datetime', 'boolean'].map((t) => Type.Literal(t)))),
          },
          { additionalProperties: false },
        ),
        response: { 201: CustomField, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { companyId } = request.params as { companyId: string };
      const body = request.body as { name: string; type?: string };
      return reply.code(201).send(fieldJson(await createCustomField(store, { companyId, ...body }, actorOf(request))));
    },
  );

  const Group = 'A group: {id, name, source: idp|rule|manual, settingId, memberCount, createdAt}';
  app.get(
    '/groups',
    {
      schema: {
        tags: ['groups'],
        summary: 'A page of groups in name order',
        params: CompanyParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), cursor: Type.Optional(Cursor) }, { additionalProperties: false }),
        response: { 200: Page(Group), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { companyId } = request.params as { companyId: string };
      const { limit = 100, cursor } = request.query as { limit?: number; cursor?: string };
      const items = await listGroups(store, companyId, { limit, ...(cursor !== undefined ? { after: cursor } : {}) });
      return { items, nextCursor: nextCursor(items, limit, (g) => g.name) };
    },
  );
  app.post(
    '/groups',
    {
      schema: {
        tags: ['groups'],
        summary: 'Create a group by hand',
        params: CompanyParams,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: { 201: Described(Group), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { companyId } = request.params as { companyId: string };
      return reply.code(201).send(await createGroup(store, companyId, (request.body as { name: string }).name, actorOf(request)));
    },
  );
  app.delete('/groups/:id', { schema: { tags: ['groups'], summary: 'Delete a group (not one an IdP synchronises)', params: CompanyItemParams, response: { 204: Empty, ...ERROR_RESPONSES } } }, async (request, reply) => {
    const { companyId, id } = request.params as { companyId: string; id: string };
    await deleteGroup(store, companyId, id, actorOf(request));
    return reply.code(204).send();
  });
  app.get(
    '/groups/:id/members',
    {
      schema: {
        tags: ['groups'],
        summary: "A page of a group's members",
        params: CompanyItemParams,
        querystring: PageQuery,
        response: { 200: Page('A member: {id, email, firstName, lastName, active}'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { companyId, id } = request.params as { companyId: string; id: string };
      const { limit, cursor } = request.query as { limit?: number; cursor?: string };
      const items = await listGroupMembers(store, companyId, id, { ...(limit !== undefined ? { limit } : {}), ...(cursor !== undefined ? { after: cursor } : {}) });
      return { items, nextCursor: nextCursor(items, limit, (m) => m.id) };
    },
  );

  app.get(
    '/job-log',
    {
      schema: {
        tags: ['logs'],
        summary: 'The job log, newest first: every provisioning request and what it did',
        params: CompanyParams,
        querystring: Type.Object(
          {
            setting: Type.Optional(Type.String({ maxLength: 64, description: 'A SCIM setting id' })),
            outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('warning'), Type.Literal('failure')])),
            user: Type.Optional(Type.String({ maxLength: 320, description: "A target user's email" })),
            since: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 date or time: rows at or after it' })),
            until: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 date or time: rows before it' })),
            limit: Type.Optional(Limit),
            cursor: Type.Optional(Cursor),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page('A job-log entry'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { companyId } = request.params as { companyId: string };
      const { setting, cursor, ...q } = request.query as { setting?: string; outcome?: string; user?: string; since?: string; until?: string; limit?: number; cursor?: string };
      const items = await listJobLog(store, { companyId, ...q, ...(setting !== undefined ? { settingId: setting } : {}), ...(cursor !== undefined ? { after: cursor } : {}) });
      return { items, nextCursor: nextCursor(items, q.limit, (e) => e.id) };
    },
  );
  app.get(
    '/audit-log',
    {
      schema: { tags: ['logs'], summary: 'The audit log, newest first: every admin change with its actor, old and new values', params: CompanyParams, querystring: PageQuery, response: { 200: Page('An audit entry'), ...ERROR_RESPONSES } },
    },
    async (request) => {
      const { companyId } = request.params as { companyId: string };
      return auditLogPage(store, companyId, request.query as PageParams);
    },
  );
}

type PageParams = { limit?: number; cursor?: string };

/** A page of a company's audit log, or of the changes of no company (`null`), as the API answers it. */
export async function auditLogPage(store: Store, companyId: string | null, { limit, cursor }: PageParams) {
  const items = await listAuditLog(store, { companyId, ...(limit !== undefined ? { limit } : {}), ...(cursor !== undefined ? { after: cursor } : {}) });
  return { items, nextCursor: nextCursor(items, limit, (e) => e.id) };
}
