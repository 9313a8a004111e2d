#!/usr/bin/env node
/**
 * The TCP load balancer in front of several server nodes, as its own process so that its
 * CPU is measured apart from the orchestrator's: `node bench/balancer.mjs --backends
 * HOST:PORT,HOST:PORT…`. Round robin per connection, skipping nodes that refuse
 * (packages/server/test/helpers/tcp-balancer.mjs). Reports "ready" with its address; stops
 * on SIGTERM or when the orchestrator goes away.
 */
import { parseArgs } from 'node:util';
import { emit, exitReporting, exitWithParent } from './lib/child.mjs';
import { startTcpBalancer } from '../packages/server/test/helpers/tcp-balancer.mjs';

const { values: opts } = parseArgs({ options: { backends: { type: 'string' } } });
const backends = (opts.backends ?? '').split(',').filter(Boolean);
if (backends.length === 0) throw new Error('usage: balancer.mjs --backends HOST:PORT[,HOST:PORT…]');

exitWithParent();
const balancer = await startTcpBalancer(backends);
emit({ event: 'ready', address: balancer.address });
process.once('SIGTERM', () => {
  void balancer.close().finally(() => exitReporting(0));
});
