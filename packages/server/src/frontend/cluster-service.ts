/**
 * WorkflowService's GetClusterInfo: what `temporal operator cluster describe` shows. Endure
 * answers as a single cluster named `active` (the name namespaces already report as their
 * active cluster) with one history shard, whether one node or several serve it.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ResolvedConfig } from '../config.js';
import type { UnaryHandler } from './grpc-server.js';

const { version: serverVersion } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Client SDK version ranges this server works with (Temporal answers the same map). */
const SUPPORTED_CLIENTS: Record<string, string> = {
  'temporal-cli': '<2.0.0',
  'temporal-go': '<2.0.0',
  'temporal-java': '<2.0.0',
  'temporal-php': '<2.0.0',
  'temporal-server': '<2.0.0',
  'temporal-typescript': '<2.0.0',
  'temporal-ui': '<3.0.0',
};

export function clusterHandlers(config: ResolvedConfig): Record<string, UnaryHandler> {
  // Not persisted: nothing in Endure keys on it yet, so a fresh id per start is honest enough.
  const clusterId = randomUUID();
  return {
    GetClusterInfo: () =>
      Promise.resolve({
        supportedClients: SUPPORTED_CLIENTS,
        serverVersion,
        clusterId,
        clusterName: 'active',
        historyShardCount: 1,
        persistenceStore: config.store,
        visibilityStore: config.store,
        initialFailoverVersion: 1,
        failoverVersionIncrement: 10,
      }),
  };
}
