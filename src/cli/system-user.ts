// `roster system-user …`: the people who administer Roster, each invited by a one-time link.
import { InvalidArgumentError, type Command } from 'commander';
import { ROLES, type Role } from '../auth/principal.ts';
import { createSystemUser, deleteSystemUser, getSystemUser, listSystemUsers, reinviteSystemUser, type SystemUserJson } from '../auth/system-users.ts';
import { CLI_ACTOR } from '../directory/audit.ts';
import { publicBaseUrl } from './public-url.ts';
import { run } from './run.ts';

function role(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return value as Role;
}

/** The token travels in the fragment, which browsers never send to a server or put in its logs. */
const invitationUrl = (base: string, token: string) => `${base}/accept-invitation#token=${token}`;

const userLine = (u: SystemUserJson) => `${u.id}  ${u.email}  ${u.role}${u.companyId ? ` of ${u.companyId}` : ''}  ${u.status}`;

export function registerSystemUserCommands(program: Command): void {
  const user = program.command('system-user').description('System users: operators (every company), admins and viewers (one company)');
  user
    .command('create')
    .description('Create a system user and print the one-time invitation link that sets their password')
    .requiredOption('--email <email>', 'their email address (unique, ignoring case)')
    .requiredOption('--role <role>', 'operator, admin or viewer', role)
    .option('--company <id>', 'the company of an admin or viewer')
    .action((o: { email: string; role: Role; company?: string }) =>
      run(async (store, config) => {
        const created = await createSystemUser(store, { email: o.email, role: o.role, companyId: o.company ?? null }, CLI_ACTOR);
        const url = invitationUrl(await publicBaseUrl(store, config), created.invitationToken);
        return {
          json: { user: created.user, invitationUrl: url, invitationExpiresAt: created.invitationExpiresAt },
          text: `Created ${userLine(created.user)}\nInvitation link (one use, until ${created.invitationExpiresAt}; give it to ${created.user.email} only):\n${url}`,
        };
      }),
    );
  user
    .command('list')
    .description('List system users: every one, or one company\'s')
    .option('--company <id>', "only this company's admins and viewers")
    .action((o: { company?: string }) =>
      run(async (store) => {
        const users = await listSystemUsers(store, { companyId: o.company ?? null });
        return { json: users, text: users.length ? users.map(userLine).join('\n') : 'No system users' };
      }),
    );
  user
    .command('delete <id>')
    .description('Delete a system user and end their sessions (the last operator cannot be deleted)')
    .action((id: string) =>
      run(async (store) => {
        const u = await getSystemUser(store, id);
        await deleteSystemUser(store, id, CLI_ACTOR);
        return { json: u, text: `Deleted system user ${u.email} (${u.id})` };
      }),
    );
  user
    .command('invite <id>')
    .description('A new invitation link (e.g. a forgotten password); the current password works until it is accepted')
    .action((id: string) =>
      run(async (store, config) => {
        const u = await getSystemUser(store, id);
        const invitation = await reinviteSystemUser(store, id, CLI_ACTOR);
        const url = invitationUrl(await publicBaseUrl(store, config), invitation.invitationToken);
        return {
          json: { user: u, invitationUrl: url, invitationExpiresAt: invitation.invitationExpiresAt },
          text: `Invitation link for ${u.email} (one use, until ${invitation.invitationExpiresAt}):\n${url}`,
        };
      }),
    );
}
