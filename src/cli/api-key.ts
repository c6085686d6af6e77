// `roster api-key …`: bearer keys for scripts calling the admin API, one company each.
import { InvalidArgumentError, type Command } from 'commander';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyJson } from '../auth/api-keys.ts';
import { CLI_ACTOR } from '../directory/audit.ts';
import { run } from './run.ts';

function role(value: string): 'admin' | 'viewer' {
  if (value !== 'admin' && value !== 'viewer') throw new InvalidArgumentError('expected admin or viewer');
  return value;
}

const keyLine = (k: ApiKeyJson) =>
  `${k.id}  ${k.prefix}…  ${k.name}  ${k.role}  ${k.revokedAt ? `revoked ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`}`;

export function registerApiKeyCommands(program: Command): void {
  const key = program.command('api-key').description('API keys: Authorization: Bearer <key> for scripts, one company each');
  key
    .command('create')
    .description('Create an API key and print it (shown this once only)')
    .requiredOption('--company <id>', 'company id')
    .option('--role <role>', 'admin (change the company) or viewer (read it)', role, 'admin')
    .option('--name <name>', 'what the key is for, shown in listings and the audit log')
    .action((o: { company: string; role: 'admin' | 'viewer'; name?: string }) =>
      run(async (store) => {
        const created = await createApiKey(store, { companyId: o.company, role: o.role, name: o.name }, CLI_ACTOR);
        return { json: created, text: `Created ${keyLine(created.apiKey)}\nKey (shown once, store it now): ${created.key}` };
      }),
    );
  key
    .command('list')
    .description("List a company's API keys (keys are never shown again)")
    .requiredOption('--company <id>', 'company id')
    .action((o: { company: string }) =>
      run(async (store) => {
        const keys = await listApiKeys(store, o.company);
        return { json: keys, text: keys.length ? keys.map(keyLine).join('\n') : 'No API keys' };
      }),
    );
  key
    .command('revoke <id>')
    .description('Revoke an API key: it stops working at once; again: exit 4')
    .requiredOption('--company <id>', 'company id')
    .action((id: string, o: { company: string }) =>
      run(async (store) => {
        const k = await revokeApiKey(store, o.company, id, CLI_ACTOR);
        return { json: k, text: `Revoked API key ${k.name} (${k.id})` };
      }),
    );
}
