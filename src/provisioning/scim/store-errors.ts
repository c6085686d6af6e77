// The store's neutral errors (store/errors.ts) as SCIM errors (RFC 7644 §3.12): the SCIM surface's one mapper.
import { ScimError } from '../../scim/errors.ts';
import { MissingReferences, UniqueViolation } from '../../store/errors.ts';
import type { Store } from '../../store/open.ts';
import { displayNameOwner } from '../../store/scim-groups.ts';
import { userNameOwner } from '../../store/scim-users.ts';

export interface ErrorScope {
  store: Store;
  setting: { id: string; companyId: string };
}

/**
 * `error` as the ScimError a client should see, or `error` itself when it is no store error. Runs after the
 * failed transaction ended (PostgreSQL refuses reads in an aborted one): a 409 names the SCIM setting that
 * owns the conflicting resource when that is another setting of the company, so an admin running two IdPs
 * side by side sees which one already provisioned the user.
 */
export async function scimErrorOf(scope: ErrorScope, error: unknown): Promise<unknown> {
  if (error instanceof MissingReferences) {
    const shown = error.ids.slice(0, 5).map((id) => `"${id}"`).join(', ');
    const more = error.ids.length > 5 ? ` and ${error.ids.length - 5} more` : '';
    return ScimError.badRequest('invalidValue', `Group members must be existing users of this company; no user has id ${shown}${more}`);
  }
  if (!(error instanceof UniqueViolation)) return error;
  const { entity, field, value } = error;
  const lookup = entity === 'user' ? userNameOwner : displayNameOwner;
  // Inside a transaction PostgreSQL has aborted, no read is possible: the detail then names no setting.
  const owner = scope.store.db.isTransaction ? undefined : await lookup(scope.store, scope.setting.companyId, value);
  const where = owner && owner.settingId !== scope.setting.id ? `, provisioned by SCIM setting "${owner.settingName}";` : '';
  const why = where ? ` ${field} is unique in a company across all its SCIM settings, ignoring case` : ` (${field} is unique, ignoring case)`;
  return ScimError.conflict(`A ${entity} with ${field} "${value}" already exists in this company${where}${why}`);
}
