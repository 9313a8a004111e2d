/**
 * `endure operator namespace create | describe | list | update | delete`, as `temporal
 * operator namespace`. The namespace is `-n` (or, deprecated as in `temporal`, the one
 * positional argument).
 *
 * Left out: the replication and archival flags (`--global`, `--cluster`, `--active-cluster`,
 * `--promote-global`, `--replication-state`, `--history-archival-state`, `--history-uri`,
 * `--visibility-archival-state`, `--visibility-uri`): Endure is one cluster without archival,
 * and a flag accepted but not honoured would mislead.
 */
import { Option, type Command } from 'commander';
import { fromProtoJson } from '@endure/client';
import { clientAction, type CommandContext } from '../../command-context.js';
import { CliError, usageError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import { enumShortName, formatDuration } from '../../output/format.js';
import { parseDurationMs, collectRepeated } from '../../parsers.js';
import { confirm } from '../../confirm.js';
import { examples } from '../../help.js';

const WS = 'temporal.api.workflowservice.v1';
const NAMESPACE_PAGE_SIZE = 100;
const RETENTION_DEFAULT = '72h';

interface CreateFlags {
  retention: number;
  description?: string;
  email?: string;
  data?: string[];
}
type UpdateFlags = Partial<CreateFlags>;


export function registerNamespaceCommands(operator: Command): void {
  const namespace = operator
    .command('namespace')
    .description('Create, describe, list, update and delete namespaces')
    .addHelpText('after', '\nExamples:\n  endure operator namespace create -n billing --retention 168h\n  endure operator namespace list\n');
  registerCreate(namespace);
  registerDescribe(namespace);
  registerList(namespace);
  registerUpdate(namespace);
  registerDelete(namespace);
}

function registerCreate(namespace: Command): void {
  const command = namespace
    .command('create')
    .description('Register a new namespace')
    .argument('[namespace]', 'namespace name (deprecated: use -n)')
    .addOption(new Option('--retention <duration>', 'how long closed workflows are kept before deletion').default(parseDurationMs(RETENTION_DEFAULT), RETENTION_DEFAULT).argParser(parseDurationMs))
    .option('--description <text>', 'namespace description')
    .option('--email <address>', 'owner email')
    .addOption(new Option('--data <KEY=VALUE>', 'namespace data entry (repeatable)').argParser(collectRepeated))
    .addHelpText('after', examples('endure operator namespace create -n billing', 'endure operator namespace create -n billing --retention 168h --description "Billing team" --data team=billing'));
  addClientOptions(command).action(
    clientAction<CreateFlags>(async (ctx, flags, args) => {
      const name = namespaceOf(ctx, command, args);
      const connection = await ctx.connection();
      const request = fromProtoJson(`${WS}.RegisterNamespaceRequest`, {
        namespace: name,
        description: flags.description ?? '',
        ownerEmail: flags.email ?? '',
        workflowExecutionRetentionPeriod: protoDuration(flags.retention),
        data: parseData(flags.data),
      });
      await connection.workflowService.registerNamespace(request as object);
      ctx.printer.line(ctx.printer.style('green', `Namespace ${name} successfully registered.`));
    }),
  );
}

function registerDescribe(namespace: Command): void {
  const command = namespace
    .command('describe')
    .description('Show a namespace, by name or by id')
    .argument('[namespace]', 'namespace name (deprecated: use -n)')
    .option('--namespace-id <id>', 'namespace id (instead of -n)')
    .addHelpText('after', examples('endure operator namespace describe -n billing', 'endure operator namespace describe --namespace-id 5f3b… -o json'));
  addClientOptions(command).action(
    clientAction<{ namespaceId?: string }>(async (ctx, flags, args) => {
      let name = namespaceOf(ctx, command, args);
      // `-n` defaults to "default": with an id and no explicit name, the id wins.
      if (flags.namespaceId !== undefined && args[0] === undefined && command.getOptionValueSource('namespace') !== 'cli') name = '';
      if (flags.namespaceId !== undefined && name !== '') throw usageError('give either --namespace-id or -n, not both');
      const connection = await ctx.connection();
      const response = await connection.workflowService.describeNamespace({ namespace: name, id: flags.namespaceId ?? '' });
      if (ctx.printer.isJson) ctx.printer.proto(`${WS}.DescribeNamespaceResponse`, response);
      else printNamespaceCard(ctx, response);
    }),
  );
}

function registerList(namespace: Command): void {
  const command = namespace
    .command('list')
    .description('List every namespace on the server')
    .addHelpText('after', examples('endure operator namespace list', 'endure operator namespace list -o jsonl'));
  addClientOptions(command).action(
    clientAction(async (ctx) => {
      const connection = await ctx.connection();
      const all: object[] = [];
      let nextPageToken: Uint8Array | undefined;
      do {
        const page = await connection.workflowService.listNamespaces({ pageSize: NAMESPACE_PAGE_SIZE, nextPageToken });
        all.push(...(page.namespaces ?? []));
        nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      } while (nextPageToken !== undefined);
      if (ctx.printer.isJson) {
        ctx.printer.protoList(`${WS}.DescribeNamespaceResponse`, all);
        return;
      }
      all.forEach((response, i) => {
        if (i > 0) ctx.printer.line();
        printNamespaceCard(ctx, response);
      });
    }),
  );
}

function registerUpdate(namespace: Command): void {
  const command = namespace
    .command('update')
    .description("Change a namespace's description, owner email, data or retention")
    .argument('[namespace]', 'namespace name (deprecated: use -n)')
    .addOption(new Option('--retention <duration>', 'how long closed workflows are kept before deletion').argParser(parseDurationMs))
    .option('--description <text>', 'namespace description')
    .option('--email <address>', 'owner email')
    .addOption(new Option('--data <KEY=VALUE>', 'namespace data entry to add or replace (repeatable)').argParser(collectRepeated))
    .addHelpText('after', examples('endure operator namespace update -n billing --retention 240h', 'endure operator namespace update -n billing --description "Billing team" --data tier=gold'));
  addClientOptions(command).action(
    clientAction<UpdateFlags>(async (ctx, flags, args) => {
      const name = namespaceOf(ctx, command, args);
      const connection = await ctx.connection();
      // As `temporal`: unchanged fields are sent again with their current values.
      const current = await connection.workflowService.describeNamespace({ namespace: name });
      const currentJson = ctx.printer.protoJson(`${WS}.DescribeNamespaceResponse`, current) as {
        namespaceInfo?: { description?: string; ownerEmail?: string };
        config?: { workflowExecutionRetentionTtl?: string };
      };
      const request = fromProtoJson(`${WS}.UpdateNamespaceRequest`, {
        namespace: name,
        updateInfo: {
          description: flags.description ?? currentJson.namespaceInfo?.description ?? '',
          ownerEmail: flags.email ?? currentJson.namespaceInfo?.ownerEmail ?? '',
          data: parseData(flags.data),
        },
        config: {
          workflowExecutionRetentionTtl: flags.retention !== undefined ? protoDuration(flags.retention) : currentJson.config?.workflowExecutionRetentionTtl,
        },
      });
      const response = await connection.workflowService.updateNamespace(request as object);
      ctx.printer.proto(`${WS}.UpdateNamespaceResponse`, response);
      ctx.printer.line(ctx.printer.style('green', `Namespace ${name} update succeeded.`));
    }),
  );
}

function registerDelete(namespace: Command): void {
  const command = namespace
    .command('delete')
    .description('Delete a namespace and, in the background, all its workflows')
    .argument('[namespace]', 'namespace name (deprecated: use -n)')
    .option('-y, --yes', "don't ask for confirmation")
    .addHelpText('after', examples('endure operator namespace delete -n billing', 'endure operator namespace delete -n billing --yes -o json'));
  addClientOptions(command).action(
    clientAction<{ yes?: boolean }>(async (ctx, flags, args) => {
      const name = namespaceOf(ctx, command, args);
      const confirmed = await confirm(ctx, {
        question: ctx.printer.style('red', `Are you sure you want to delete namespace ${name}? Type the namespace name to confirm:`),
        expected: name,
        yes: flags.yes === true,
      });
      if (!confirmed) throw new CliError('not confirmed (the namespace name was not typed): nothing deleted');
      const connection = await ctx.connection();
      const response = await connection.operatorService.deleteNamespace({ namespace: name });
      ctx.printer.proto('temporal.api.operatorservice.v1.DeleteNamespaceResponse', response);
      ctx.printer.line(ctx.printer.style('green', `Namespace ${name} has been deleted.`));
    }),
  );
}

/** The namespace from `-n`, or from the deprecated positional argument (not both). */
function namespaceOf(ctx: CommandContext, command: Command, args: string[]): string {
  const positional = args[0];
  if (positional === undefined) return ctx.namespace;
  if (command.getOptionValueSource('namespace') === 'cli' || (ctx.namespace !== 'default' && ctx.namespace !== positional)) {
    throw usageError(`the namespace was given both as an argument (${positional}) and by -n (${ctx.namespace}); use -n only`);
  }
  process.stderr.write('Warning: passing the namespace as an argument is deprecated; use -n instead\n');
  return positional;
}

/** `--data KEY=VALUE` entries as a map (the value is kept as typed). */
function parseData(entries: string[] | undefined): Record<string, string> {
  const data: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const at = entry.indexOf('=');
    if (at <= 0) throw usageError(`--data "${entry}": expected KEY=VALUE`);
    data[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return data;
}

function protoDuration(ms: number): string {
  return `${ms / 1000}s`;
}

interface NamespaceJson {
  namespaceInfo?: { name?: string; id?: string; description?: string; ownerEmail?: string; state?: string; data?: Record<string, string> };
  config?: { workflowExecutionRetentionTtl?: string; historyArchivalState?: string; visibilityArchivalState?: string; historyArchivalUri?: string; visibilityArchivalUri?: string };
  replicationConfig?: { activeClusterName?: string; clusters?: { clusterName?: string }[]; state?: string };
  isGlobalNamespace?: boolean;
  failoverVersion?: string;
}

/** The card `temporal` prints for a namespace, with its field names as labels. */
function printNamespaceCard(ctx: CommandContext, response: object): void {
  const ns = ctx.printer.protoJson(`${WS}.DescribeNamespaceResponse`, response) as NamespaceJson;
  const info = ns.namespaceInfo ?? {};
  const config = ns.config ?? {};
  const replication = ns.replicationConfig ?? {};
  const retentionSeconds = Number((config.workflowExecutionRetentionTtl ?? '0s').replace(/s$/, ''));
  const data = Object.entries(info.data ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  ctx.printer.card([
    ['NamespaceInfo.Name', info.name],
    ['NamespaceInfo.Id', info.id],
    ['NamespaceInfo.Description', info.description],
    ['NamespaceInfo.OwnerEmail', info.ownerEmail],
    ['NamespaceInfo.State', enumShortName({}, 'NAMESPACE_STATE_', info.state)],
    ['NamespaceInfo.Data', data],
    ['Config.WorkflowExecutionRetentionTtl', formatDuration(retentionSeconds * 1000)],
    ['ReplicationConfig.ActiveClusterName', replication.activeClusterName],
    ['ReplicationConfig.Clusters', (replication.clusters ?? []).map((c) => c.clusterName).join(', ')],
    ['ReplicationConfig.State', enumShortName({}, 'REPLICATION_STATE_', replication.state)],
    ['Config.HistoryArchivalState', enumShortName({}, 'ARCHIVAL_STATE_', config.historyArchivalState)],
    ['Config.VisibilityArchivalState', enumShortName({}, 'ARCHIVAL_STATE_', config.visibilityArchivalState)],
    ['IsGlobalNamespace', String(ns.isGlobalNamespace ?? false)],
    ['FailoverVersion', ns.failoverVersion ?? '0'],
    ['Config.HistoryArchivalUri', config.historyArchivalUri],
    ['Config.VisibilityArchivalUri', config.visibilityArchivalUri],
  ]);
}
