// RFC 7643 §3.1 common attributes: part of every resource but of no schema, so they are not published
// under /Schemas. Defined here so filters, sorting, PATCH and projection treat them like any attribute.
import { attr, complex } from './define.ts';
import type { AttributeDef } from './types.ts';

export const COMMON_ATTRIBUTES: AttributeDef[] = [
  attr('id', 'string', 'Identifier assigned by the service provider; stable and case-sensitive.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  // RFC 7643 §3.1: caseExact, client-owned; not unique (Entra's default mailNickname may repeat,
  // idp-requests §6 rule 17).
  attr('externalId', 'string', 'Identifier assigned by the provisioning client.', { caseExact: true }),
  // RFC 7643 §3 / RFC 7644 §3.9: `schemas` is in every representation.
  attr('schemas', 'reference', 'URIs of the schemas the resource uses.', {
    multiValued: true,
    mutability: 'readOnly',
    returned: 'always',
    referenceTypes: ['uri'],
  }),
  complex(
    'meta',
    'Resource metadata maintained by the service provider.',
    [
      attr('resourceType', 'string', 'The name of the resource type.', { caseExact: true, mutability: 'readOnly' }),
      attr('created', 'dateTime', 'When the resource was added.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'When the resource was last changed.', { mutability: 'readOnly' }),
      attr('location', 'reference', 'The URI of the resource.', { referenceTypes: ['uri'], mutability: 'readOnly' }),
      attr('version', 'string', 'The entity tag of the resource version.', { caseExact: true, mutability: 'readOnly' }),
    ],
    { mutability: 'readOnly' },
  ),
];
