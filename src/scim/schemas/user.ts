// RFC 7643 §4.1 User, characteristics as in §8.7.1. Descriptions are ours, condensed.
import { attr, complex, plural } from './define.ts';
import type { SchemaDef } from './types.ts';
import { USER_URN } from './urns.ts';

const str = (name: string, description: string) => attr(name, 'string', description);

export const USER_SCHEMA: SchemaDef = {
  id: USER_URN,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', 'Unique identifier for the User, used to authenticate; unique per tenant.', {
      required: true,
      uniqueness: 'server',
    }),
    complex('name', "The components of the User's real name.", [
      str('formatted', 'The full name, formatted for display.'),
      str('familyName', 'The family (last) name.'),
      str('givenName', 'The given (first) name.'),
      str('middleName', 'The middle name(s).'),
      str('honorificPrefix', 'Honorific prefix, e.g. Ms.'),
      str('honorificSuffix', 'Honorific suffix, e.g. III.'),
    ]),
    str('displayName', 'The name of the User, suitable for display to end-users.'),
    str('nickName', 'The casual way to address the User.'),
    attr('profileUrl', 'reference', "A URL to the User's online profile.", { referenceTypes: ['external'] }),
    str('title', "The User's title, e.g. Vice President."),
    str('userType', 'The relationship between the organization and the User, e.g. Employee.'),
    str('preferredLanguage', 'Preferred written or spoken language (RFC 7231 Accept-Language form).'),
    str('locale', 'Default location for localizing e.g. currency and dates (e.g. en-US).'),
    str('timezone', 'Time zone in IANA "Olson" format, e.g. Europe/Amsterdam.'),
    attr('active', 'boolean', "The User's administrative status."),
    // RFC 7643 §4.1.1: accepted on input (Okta sends a placeholder on create), never stored or returned.
    attr('password', 'string', "The User's cleartext password; write-only.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    plural('emails', 'Email addresses for the User.', 'string', ['work', 'home', 'other']),
    plural('phoneNumbers', 'Phone numbers for the User.', 'string', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    plural('ims', 'Instant messaging addresses for the User.', 'string', [
      'aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo',
    ]),
    plural('photos', 'URLs of images of the User.', 'reference', ['photo', 'thumbnail']),
    complex(
      'addresses',
      'Physical mailing addresses for the User.',
      [
        str('formatted', 'The full mailing address, formatted for display.'),
        str('streetAddress', 'The street address component.'),
        str('locality', 'The city or locality component.'),
        str('region', 'The state or region component.'),
        str('postalCode', 'The zip code or postal code component.'),
        str('country', 'The country name component (ISO 3166-1 alpha-2 when possible).'),
        attr('type', 'string', 'A label for the function of the address, e.g. work.', {
          canonicalValues: ['work', 'home', 'other'],
        }),
        // §8.7.1 omits it, but §4.1.2 gives addresses a primary and IdPs send it (the MS validator posts
        // addresses[].primary and compares it on read-back, idp-requests §1.10).
        attr('primary', 'boolean', 'Marks the preferred mailing address.'),
      ],
      { multiValued: true },
    ),
    // RFC 7643 §4.1.2: derived from group membership, so read-only; groups change through /Groups.
    complex(
      'groups',
      'Groups the User belongs to, directly or indirectly.',
      [
        // Ids are caseExact (RFC 7643 §3.1), so a reference to one is too (as members.value of a Group).
        attr('value', 'string', 'The id of the Group.', { mutability: 'readOnly', caseExact: true }),
        attr('$ref', 'reference', 'The URI of the Group.', { referenceTypes: ['User', 'Group'], mutability: 'readOnly' }),
        attr('display', 'string', 'The displayName of the Group.', { mutability: 'readOnly' }),
        attr('type', 'string', 'How the membership was derived.', {
          canonicalValues: ['direct', 'indirect'],
          mutability: 'readOnly',
        }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
    plural('entitlements', 'Entitlements the User has.', 'string', []),
    plural('roles', 'Roles of the User.', 'string', []),
    plural('x509Certificates', 'DER-encoded, base64 X.509 certificates issued to the User.', 'binary', []),
  ],
};
