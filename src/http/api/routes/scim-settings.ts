// A company's SCIM settings: what an identity provider is given (the URL and a token shown once) and the rules
// that turn what it pushes into target users. Under /companies/:companyId (access checked by plugin.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { SENT_ATTRIBUTES } from '../../../provisioning/rules/attributes.ts';
import { compileExpression } from '../../../provisioning/rules/expression.ts';
import { scimSettingHourly, scimSettingStatus } from '../../../provisioning/scim-request-stats.ts';
import { deleteScimSetting, updateScimSetting, type SettingChange } from '../../../provisioning/scim-setting-rules.ts';
import {
  createScimSetting,
  listCompanyScimSettings,
  MAX_RATE_LIMIT,
  MAX_SETTING_NAME,
  revokeScimToken,
  rotateScimToken,
  setScimRateLimit,
  settingJson,
} from '../../../provisioning/scim-settings.ts';
import type { Store } from '../../../store/open.ts';
import { findScimSetting } from '../../../store/scim-settings.ts';
import { scimBaseUrl } from '../../scim/auth.ts';
import { actorOf, inCompany } from '../access.ts';
import { CompanyItemParams, CompanyParams, Described, Empty, ERROR_RESPONSES, Nullable } from '../schemas.ts';

const Setting = 'A SCIM setting, never its token: {id, companyId, name, tokenPrefix, scimUrl, mappings, groupName, groupBy, syncGroups, testMode, createdAt, rotatedAt, revokedAt, rateLimit}';

const Rules = {
  mappings: Type.Optional(
    Type.Array(
      Type.Object(
        {
          field: Type.String({ minLength: 1, maxLength: 64, description: 'A platform field or a custom field name' }),
          expression: Type.String({ minLength: 1, maxLength: 1000, description: 'The SCIM attribute it is read from, e.g. addresses[type eq "work"].country' }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
  ),
  groupName: Type.Optional(Nullable(Type.String({ maxLength: 256, description: 'The target group every user of this setting joins' }))),
  groupBy: Type.Optional(Nullable(Type.String({ maxLength: 1000, description: 'Grouping criteria: users join a group named after this expression’s value' }))),
  syncGroups: Type.Optional(Type.Boolean({ description: 'Mirror the IdP’s pushed groups' })),
  testMode: Type.Optional(Type.Boolean({ description: 'Answer SCIM as usual but change no target user; the job log says what would have changed' })),
  rateLimit: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: MAX_RATE_LIMIT, description: 'Requests per second; 0 unlimited; null the server default' }))),
};
type RulesBody = { name?: string; mappings?: { field: string; expression: string }[]; groupName?: string | null; groupBy?: string | null; syncGroups?: boolean; testMode?: boolean; rateLimit?: number | null };

const mappingTexts = (m: RulesBody['mappings']) => m?.map((x) => `${x.field}=${x.expression}`);
const POSITION = /position (\d+)/;

export async function scimSettingRoutes(app: FastifyInstance, { store, publicUrl }: { store: Store; publicUrl: string | undefined }): Promise<void> {
  const scimUrl = (request: FastifyRequest) => scimBaseUrl(request, publicUrl, '/scim/v2');
  const own = async (companyId: string, id: string) => inCompany(await findScimSetting(store, id), companyId, 'SCIM setting');

  app.get(
    '/scim-settings',
    { schema: { tags: ['scim settings'], summary: 'The SCIM settings with their last activity and the last 24 hours’ counts', params: CompanyParams, response: { 200: Type.Object({ items: Type.Array(Described(`${Setting} and lastActivityAt, last24Hours`)) }), ...ERROR_RESPONSES } } },
    async (request) => {
      const { companyId } = request.params as { companyId: string };
      const settings = await listCompanyScimSettings(store, companyId);
      const items = await Promise.all(
        settings.map(async (s) => {
          const status = await scimSettingStatus(store, s.id);
          return { ...settingJson(scimUrl(request), s), lastActivityAt: status.lastRequestAt, identityProvider: status.identityProvider, last24Hours: status.last24Hours };
        }),
      );
      return { items };
    },
  );
  app.post(
    '/scim-settings',
    {
      schema: {
        tags: ['scim settings'],
        summary: 'Create a SCIM setting: the answer holds its token, shown this once',
        params: CompanyParams,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: MAX_SETTING_NAME }), ...Rules }, { additionalProperties: false }),
        response: { 201: Described('{setting, token, scimUrl}'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { companyId } = request.params as { companyId: string };
      const { mappings, groupName, groupBy, ...rest } = request.body as RulesBody & { name: string };
      const { setting, token } = await createScimSetting(
        store,
        { companyId, ...rest, mappings: mappingTexts(mappings) ?? [], ...(groupName ? { groupName } : {}), ...(groupBy ? { groupBy } : {}) },
        actorOf(request),
      );
      return reply.code(201).send({ setting: settingJson(scimUrl(request), setting), token, scimUrl: scimUrl(request) });
    },
  );
  app.get('/scim-settings/attributes', { schema: { tags: ['scim settings'], summary: 'The SCIM attributes identity providers send, for mapping fields', params: CompanyParams, response: { 200: Type.Object({ items: Type.Array(Described('{expression, label, idps}')) }) } } }, async () => ({
    items: SENT_ATTRIBUTES,
  }));
  app.post(
    '/scim-settings/validate-expression',
    {
      schema: {
        tags: ['scim settings'],
        summary: 'Check a mapping or grouping expression as it is typed',
        params: CompanyParams,
        body: Type.Object({ expression: Type.String({ maxLength: 1000 }) }, { additionalProperties: false }),
        response: { 200: Described('{valid: true} or {valid: false, message, position}'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const compiled = compileExpression((request.body as { expression: string }).expression);
      if (compiled.ok) return { valid: true };
      const position = POSITION.exec(compiled.detail)?.[1];
      return { valid: false, message: compiled.detail, position: position === undefined ? null : Number(position) };
    },
  );
  app.get('/scim-settings/:id', { schema: { tags: ['scim settings'], summary: 'A SCIM setting', params: CompanyItemParams, response: { 200: Described(Setting), ...ERROR_RESPONSES } } }, async (request) => {
    const { companyId, id } = request.params as { companyId: string; id: string };
    return settingJson(scimUrl(request), await own(companyId, id));
  });
  app.patch(
    '/scim-settings/:id',
    {
      schema: {
        tags: ['scim settings'],
        summary: "Change a setting's name or rules; changed rules re-derive its users in a job (jobId)",
        params: CompanyItemParams,
        body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_SETTING_NAME })), ...Rules }, { additionalProperties: false }),
        response: { 200: Described('{setting, jobId}'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { companyId, id } = request.params as { companyId: string; id: string };
      const { mappings, rateLimit, ...rest } = request.body as RulesBody;
      const change: SettingChange = { ...rest, ...(mappings !== undefined ? { mappings: mappingTexts(mappings) } : {}) };
      const actor = actorOf(request);
      let result = { setting: await own(companyId, id), jobId: null as string | null };
      if (Object.keys(change).length) result = await updateScimSetting(store, id, change, actor);
      if (rateLimit !== undefined) result.setting = await setScimRateLimit(store, id, rateLimit, actor);
      return { setting: settingJson(scimUrl(request), result.setting), jobId: result.jobId };
    },
  );
  app.delete('/scim-settings/:id', { schema: { tags: ['scim settings'], summary: 'Delete a setting; its users stay, as users created by hand', params: CompanyItemParams, response: { 204: Empty, ...ERROR_RESPONSES } } }, async (request, reply) => {
    const { companyId, id } = request.params as { companyId: string; id: string };
    await own(companyId, id);
    await deleteScimSetting(store, id, actorOf(request));
    return reply.code(204).send();
  });
  app.post('/scim-settings/:id/rotate', { schema: { tags: ['scim settings'], summary: 'A new token, shown this once; the old one stops working', params: CompanyItemParams, response: { 200: Described('{setting, token}'), ...ERROR_RESPONSES } } }, async (request) => {
    const { companyId, id } = request.params as { companyId: string; id: string };
    await own(companyId, id);
    const { setting, token } = await rotateScimToken(store, id, actorOf(request));
    return { setting: settingJson(scimUrl(request), setting), token };
  });
  app.post('/scim-settings/:id/revoke', { schema: { tags: ['scim settings'], summary: 'Revoke the token: the IdP is refused until a rotate', params: CompanyItemParams, response: { 200: Described(Setting), ...ERROR_RESPONSES } } }, async (request) => {
    const { companyId, id } = request.params as { companyId: string; id: string };
    await own(companyId, id);
    return settingJson(scimUrl(request), await revokeScimToken(store, id, actorOf(request)));
  });
  app.get(
    '/scim-settings/:id/status',
    { schema: { tags: ['scim settings'], summary: 'Activity: the identity provider seen, the last error, requests per hour over 7 days', params: CompanyItemParams, response: { 200: Described('Status with hourly: [{hour, succeeded, warned, failed}]; warned is the part of succeeded that left a warning in the job log'), ...ERROR_RESPONSES } } },
    async (request) => {
      const { companyId, id } = request.params as { companyId: string; id: string };
      await own(companyId, id);
      const [status, hourly] = await Promise.all([scimSettingStatus(store, id), scimSettingHourly(store, id)]);
      return { ...status, hourly };
    },
  );
}
