// RFC 7643 §4.2 Group, characteristics as in §8.7.1.
import { attr, complex } from './define.ts';
import type { SchemaDef } from './types.ts';
import { GROUP_URN } from './urns.ts';

export const GROUP_SCHEMA: SchemaDef = {
  id: GROUP_URN,
  name: 'Group',
  description: 'Group',
  attributes: [
    // §4.2 says REQUIRED; uniqueness server because Entra matches groups on it (idp-requests §1.1 /Groups)
    // and the store enforces it case-insensitively.
    attr('displayName', 'string', 'A human-readable name for the Group.', { required: true, uniqueness: 'server' }),
    complex(
      'members',
      'A list of members of the Group.',
      [
        // Ids are caseExact (RFC 7643 §3.1), so a reference to one is too.
        attr('value', 'string', 'The id of the member resource.', { mutability: 'immutable', caseExact: true }),
        attr('$ref', 'reference', 'The URI of the member resource.', {
          referenceTypes: ['User', 'Group'],
          mutability: 'immutable',
        }),
        // Filled from the member's own record when read; what a client sends is ignored.
        attr('display', 'string', 'The displayName of the member.', { mutability: 'readOnly' }),
        attr('type', 'string', 'The type of the member.', { canonicalValues: ['User', 'Group'], mutability: 'immutable' }),
      ],
      { multiValued: true },
    ),
  ],
};
