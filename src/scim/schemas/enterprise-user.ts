// RFC 7643 §4.3 Enterprise User extension, characteristics as in §8.7.1.
import { attr, complex } from './define.ts';
import type { SchemaDef } from './types.ts';
import { ENTERPRISE_USER_URN } from './urns.ts';

const str = (name: string, description: string) => attr(name, 'string', description);

export const ENTERPRISE_USER_SCHEMA: SchemaDef = {
  id: ENTERPRISE_USER_URN,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'Numeric or alphanumeric identifier assigned by the organization.'),
    str('costCenter', 'Name of a cost center.'),
    str('organization', 'Name of an organization.'),
    str('division', 'Name of a division.'),
    str('department', 'Name of a department.'),
    // Responses must carry the complex form {"value": …} or Entra fails to deserialize the user
    // (idp-requests §1.5, Budibase #15369); requests may send a bare id, see dialect.ts.
    complex('manager', "The User's manager.", [
      // An id, and ids are caseExact (RFC 7643 §3.1).
      attr('value', 'string', 'The id of the SCIM resource representing the manager.', { caseExact: true }),
      attr('$ref', 'reference', 'The URI of the manager resource.', { referenceTypes: ['User'] }),
      attr('displayName', 'string', 'The displayName of the manager.', { mutability: 'readOnly' }),
    ]),
  ],
};
