// RFC 7644 §4 discovery documents, built from the same schema data and limits that drive the server, so
// what is advertised is exactly what is implemented.
import { RESOURCE_TYPES, SCHEMAS, publishedSchema } from './schemas/index.ts';
import type { ResourceTypeDef, SchemaDef } from './schemas/types.ts';

export interface Capabilities {
  maxResults: number;
  defaultCount: number;
  bulkMaxOperations: number;
  bulkMaxPayloadSize: number;
}

export function serviceProviderConfig(caps: Capabilities, baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    patch: { supported: true },
    bulk: { supported: true, maxOperations: caps.bulkMaxOperations, maxPayloadSize: caps.bulkMaxPayloadSize },
    filter: { supported: true, maxResults: caps.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    // RFC 9865 §4: both pagination methods are served; index is what every IdP uses. No cursorTimeout:
    // it is the minimum number of seconds a cursor stays valid, and keyset cursors never expire.
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: caps.defaultCount,
      maxPageSize: caps.maxResults,
    },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: "Authentication with the SCIM setting's secret token: Authorization: Bearer <token>",
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypeDoc(rt: ResourceTypeDef, baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: rt.id,
    name: rt.name,
    endpoint: rt.endpoint,
    description: rt.description,
    schema: rt.schema,
    schemaExtensions: rt.schemaExtensions,
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${rt.id}` },
  };
}

export function schemaDoc(s: SchemaDef, baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: publishedSchema(s).attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${s.id}` },
  };
}

export const findResourceType = (id: string) => RESOURCE_TYPES.find((rt) => rt.id.toLowerCase() === id.toLowerCase());
export const findSchema = (id: string) => SCHEMAS.find((s) => s.id.toLowerCase() === id.toLowerCase());
export { RESOURCE_TYPES, SCHEMAS };
