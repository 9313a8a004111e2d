// @ts-check
/**
 * A worker in its own process, so a test can SIGKILL it mid-task exactly like
 * a crashed machine. Usage (via child_process.fork):
 *   child-worker.mjs <address> <taskQueue> <workflowBundlePath>
 * Reports progress to the parent over IPC: { type: 'ready' }, then activity reports.
 */
import process from 'node:process';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createCrashActivities } from './crash-activities.mjs';

const [address, taskQueue, bundlePath] = process.argv.slice(2);
if (!address || !taskQueue || !bundlePath) {
  throw new Error('usage: child-worker.mjs <address> <taskQueue> <workflowBundlePath>');
}

/** @param {unknown} message */
function send(message) {
  if (process.send) process.send(message);
}

Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
});

const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  namespace: 'default',
  taskQueue,
  workflowBundle: { codePath: bundlePath },
  activities: createCrashActivities(send),
  // The parent kills this process; a short sticky timeout lets another worker take over quickly.
  stickyQueueScheduleToStartTimeout: '1s',
});
const running = worker.run();
send({ type: 'ready' });
await running;
await connection.close();
