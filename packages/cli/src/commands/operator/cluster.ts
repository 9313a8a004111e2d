/**
 * `endure operator cluster health | describe | system`, as `temporal operator cluster`.
 *
 * Left out: `list`, `upsert` and `remove` (remote clusters for replication, which Endure
 * does not do).
 */
import type { Command } from 'commander';
import { clientAction } from '../../command-context.js';
import { addClientOptions } from '../../global-options.js';
import { examples } from '../../help.js';

const WS = 'temporal.api.workflowservice.v1';

interface ClusterInfoJson {
  clusterName?: string;
  persistenceStore?: string;
  visibilityStore?: string;
  historyShardCount?: number;
  versionInfo?: unknown;
}

interface SystemInfoJson {
  serverVersion?: string;
  capabilities?: { supportsSchedules?: boolean; upsertMemo?: boolean; eagerWorkflowStart?: boolean };
}

export function registerClusterCommands(operator: Command): void {
  const cluster = operator
    .command('cluster')
    .description('Check and describe the server (cluster)')
    .addHelpText('after', examples('endure operator cluster health', 'endure operator cluster describe --detail'));

  const health = cluster
    .command('health')
    .description('Check that the server is serving')
    .addHelpText('after', examples('endure operator cluster health', 'endure operator cluster health --address prod.example.com:7233 -o json'));
  addClientOptions(health).action(
    clientAction(async (ctx) => {
      const connection = await ctx.connection();
      // `temporal` asks grpc.health.v1, which Endure does not serve: an answered
      // GetSystemInfo shows the frontend serves requests just as well.
      await connection.workflowService.getSystemInfo({});
      ctx.printer.json({ status: 'SERVING' });
      ctx.printer.line(ctx.printer.style('green', 'SERVING'));
    }),
  );

  const describe = cluster
    .command('describe')
    .description('Show the cluster name, persistence store and visibility store')
    .option('--detail', 'also show the history shard count and version information')
    .addHelpText('after', examples('endure operator cluster describe', 'endure operator cluster describe --detail -o json'));
  addClientOptions(describe).action(
    clientAction<{ detail?: boolean }>(async (ctx, flags) => {
      const connection = await ctx.connection();
      const response = await connection.workflowService.getClusterInfo({});
      if (ctx.printer.isJson) {
        ctx.printer.proto(`${WS}.GetClusterInfoResponse`, response);
        return;
      }
      const info = ctx.printer.protoJson(`${WS}.GetClusterInfoResponse`, response) as ClusterInfoJson;
      const columns = [
        { header: 'ClusterName', value: (i: ClusterInfoJson) => i.clusterName ?? '' },
        { header: 'PersistenceStore', value: (i: ClusterInfoJson) => i.persistenceStore ?? '' },
        { header: 'VisibilityStore', value: (i: ClusterInfoJson) => i.visibilityStore ?? '' },
      ];
      if (flags.detail === true) {
        columns.push(
          { header: 'HistoryShardCount', value: (i) => String(i.historyShardCount ?? 0) },
          { header: 'VersionInfo', value: (i) => (i.versionInfo === undefined ? '' : JSON.stringify(i.versionInfo)) },
        );
      }
      ctx.printer.table(columns, [info]);
    }),
  );

  const system = cluster
    .command('system')
    .description('Show the server version and capabilities')
    .addHelpText('after', examples('endure operator cluster system', 'endure operator cluster system -o json'));
  addClientOptions(system).action(
    clientAction(async (ctx) => {
      const connection = await ctx.connection();
      const response = await connection.workflowService.getSystemInfo({});
      if (ctx.printer.isJson) {
        ctx.printer.proto(`${WS}.GetSystemInfoResponse`, response);
        return;
      }
      const info = ctx.printer.protoJson(`${WS}.GetSystemInfoResponse`, response) as SystemInfoJson;
      const capabilities = info.capabilities ?? {};
      ctx.printer.table(
        [
          { header: 'ServerVersion', value: () => info.serverVersion ?? '' },
          { header: 'SupportsSchedules', value: () => String(capabilities.supportsSchedules ?? false) },
          { header: 'UpsertMemo', value: () => String(capabilities.upsertMemo ?? false) },
          { header: 'EagerWorkflowStart', value: () => String(capabilities.eagerWorkflowStart ?? false) },
        ],
        [info],
      );
    }),
  );
}
