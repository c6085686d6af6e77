// Schema and message URNs (RFC 7643 §8.7.1, RFC 7644 §3.5.2).
export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Sent by Entra ID in POST /Groups `schemas` (idp-requests §1.6). Accepted and ignored: it defines nothing
 *  we store, so it is neither published nor required. */
export const MS_ADSCIM_GROUP_URN = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

export type ResourceTypeName = 'User' | 'Group';
