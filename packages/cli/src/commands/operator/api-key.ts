/**
 * `endure operator api-key create | list | revoke`: the server's API keys, through its
 * `endure.operator.v1.ApiKeyService` (each call needs `system:admin`). `temporal` has no such
 * command (Temporal Cloud keeps keys in its own control plane); the flags follow its style.
 */
import { Option, type Command } from 'commander';
import type { ApiKeyInfo } from '@endure/client';
import { clientAction } from '../../command-context.js';
import { addClientOptions } from '../../global-options.js';
import { examples } from '../../help.js';
import { collectRepeated, parseDurationMs } from '../../parsers.js';

interface CreateFlags {
  name: string;
  permission: string[];
  expiresIn?: number;
}

export function registerApiKeyCommands(operator: Command): void {
  const apiKey = operator
    .command('api-key')
    .description('Create, list and revoke API keys (needs system:admin)')
    .addHelpText(
      'after',
      examples(
        'endure operator api-key create --name ci --permission default:write --expires-in 30d',
        'endure operator api-key list',
        'endure operator api-key revoke --id 3f9c2a7b1e4d5c60',
      ),
    );
  registerCreate(apiKey);
  registerList(apiKey);
  registerRevoke(apiKey);
}

function registerCreate(apiKey: Command): void {
  const command = apiKey
    .command('create')
    .description('Create an API key and print it (the only time the whole key is shown)')
    .requiredOption('--name <name>', 'what the key is for, e.g. "ci deploys"')
    .addOption(
      new Option('--permission <permission>', '<namespace>:read|worker|write|admin or system:<role> (repeatable; at least one)')
        .argParser(collectRepeated)
        .makeOptionMandatory(),
    )
    .addOption(new Option('--expires-in <duration>', 'the key stops working this long after now, e.g. 30d, 12h (default: never)').argParser(parseDurationMs))
    .addHelpText(
      'after',
      examples(
        'endure operator api-key create --name worker-prod --permission prod:worker',
        'endure operator api-key create --name ops --permission system:admin --expires-in 7d -o json',
      ),
    );
  addClientOptions(command).action(
    clientAction<CreateFlags>(async (ctx, flags) => {
      const connection = await ctx.connection();
      const { apiKey, key } = await connection.apiKeyService.createApiKey({
        name: flags.name,
        permissions: flags.permission,
        expiresInMs: Math.round(flags.expiresIn ?? 0),
      });
      ctx.printer.json({ ...infoJson(apiKey), key });
      if (!ctx.printer.isText) return;
      ctx.printer.card(infoCard(ctx.printer.time.bind(ctx.printer), apiKey));
      ctx.printer.line();
      ctx.printer.line(key);
      ctx.printer.line();
      ctx.printer.line(ctx.printer.style('yellow', 'Keep this key now: the server keeps only a hash of it and cannot show it again.'));
    }),
  );
}

function registerList(apiKey: Command): void {
  const command = apiKey
    .command('list')
    .description('List the API keys (never their secrets), revoked ones too')
    .addHelpText('after', examples('endure operator api-key list', 'endure operator api-key list -o json'));
  addClientOptions(command).action(
    clientAction(async (ctx) => {
      const connection = await ctx.connection();
      const { apiKeys } = await connection.apiKeyService.listApiKeys();
      if (ctx.printer.isJson) {
        if (ctx.printer.output === 'json') ctx.printer.json(apiKeys.map(infoJson));
        else for (const info of apiKeys) ctx.printer.json(infoJson(info));
        return;
      }
      ctx.printer.table(
        [
          { header: 'Id', value: (k: ApiKeyInfo) => k.id },
          { header: 'Name', value: (k: ApiKeyInfo) => k.name },
          { header: 'Permissions', value: (k: ApiKeyInfo) => k.permissions.join(',') },
          { header: 'Created', value: (k: ApiKeyInfo) => ctx.printer.time(k.createTimeMs) },
          { header: 'Expires', value: (k: ApiKeyInfo) => (k.expireTimeMs === 0 ? 'never' : ctx.printer.time(k.expireTimeMs)) },
          { header: 'State', value: (k: ApiKeyInfo) => state(k) },
        ],
        apiKeys,
      );
    }),
  );
}

function registerRevoke(apiKey: Command): void {
  const command = apiKey
    .command('revoke')
    .description('Revoke an API key for good: calls made with it are refused from now on')
    .requiredOption('--id <id>', 'the key id (the part after endure_, as "list" shows it)')
    .addHelpText('after', examples('endure operator api-key revoke --id 3f9c2a7b1e4d5c60'));
  addClientOptions(command).action(
    clientAction<{ id: string }>(async (ctx, flags) => {
      const connection = await ctx.connection();
      const { apiKey } = await connection.apiKeyService.revokeApiKey({ id: flags.id });
      ctx.printer.json(infoJson(apiKey));
      ctx.printer.line(ctx.printer.style('green', `API key ${apiKey.id} (${apiKey.name}) revoked.`));
    }),
  );
}

function state(info: ApiKeyInfo): string {
  if (info.revoked) return 'revoked';
  if (info.expireTimeMs !== 0 && info.expireTimeMs <= Date.now()) return 'expired';
  return 'active';
}

/** The JSON form: times as ISO strings, absent when none. */
function infoJson(info: ApiKeyInfo): Record<string, unknown> {
  return {
    id: info.id,
    name: info.name,
    permissions: info.permissions,
    createTime: new Date(info.createTimeMs).toISOString(),
    ...(info.expireTimeMs === 0 ? {} : { expireTime: new Date(info.expireTimeMs).toISOString() }),
    revoked: info.revoked,
  };
}

function infoCard(time: (ms: number) => string, info: ApiKeyInfo): [string, string][] {
  return [
    ['Id', info.id],
    ['Name', info.name],
    ['Permissions', info.permissions.join(', ')],
    ['Created', time(info.createTimeMs)],
    ['Expires', info.expireTimeMs === 0 ? 'never' : time(info.expireTimeMs)],
  ];
}
