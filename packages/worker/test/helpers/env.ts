/**
 * One in-process Endure server per test file with Endure's own client and a
 * connection for Endure workers, plus helpers to read histories. Workers run
 * only inside `runWorker`, so none outlives the callback that needs it.
 */
import proto from '@temporalio/proto';
import { Client, Connection } from '@endure/client';
import { EndureServer } from '@endure/server';
import { DefaultLogger, NativeConnection, Worker, type WorkerOptions, type WorkflowBundle } from '@endure/worker';

export { uniqueTaskQueue, uniqueWorkflowId } from '../../../server/test/helpers/env.js';
export { waitFor } from '../../../server/test/helpers/wait-for.js';

export const EventType = proto.temporal.api.enums.v1.EventType;
type History = proto.temporal.api.history.v1.IHistory;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export interface WorkerRun {
  taskQueue: string;
  workflowBundle: WorkflowBundle;
  activities?: WorkerOptions['activities'];
  logger?: WorkerOptions['logger'];
}

export interface SdkTestEnv {
  server: EndureServer;
  client: Client;
  /** Runs an Endure worker until `fn` settles, then shuts it down (a later worker starts with an empty cache). */
  runWorker<T>(options: WorkerRun, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Non-determinism is logged at WARN by design; the tests check it through history instead. */
const quietLogger = new DefaultLogger('ERROR');

export async function startSdkTestEnv(): Promise<SdkTestEnv> {
  const server = await EndureServer.start({ port: 0, inMemory: true, logLevel: 'error' });
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  return {
    server,
    client: new Client({ connection, namespace: 'default' }),
    async runWorker<T>(options: WorkerRun, fn: () => Promise<T>): Promise<T> {
      const worker = await Worker.create({ connection: nativeConnection, namespace: 'default', logger: quietLogger, ...options });
      return worker.runUntil(fn);
    },
    async close(): Promise<void> {
      await nativeConnection.close();
      await connection.close();
      await server.stop();
    },
  };
}

/** Event type names without the `EVENT_TYPE_` prefix, in history order. */
export function eventTypes(history: History): string[] {
  return (history.events ?? []).map((e) => (EventType[e.eventType ?? 0] ?? `EVENT_TYPE_${e.eventType}`).replace(/^EVENT_TYPE_/, ''));
}

export function eventsOfType(history: History, type: number): HistoryEvent[] {
  return (history.events ?? []).filter((e) => e.eventType === type);
}

/** Activity types in the order the workflow scheduled them. */
export function scheduledActivityTypes(history: History): string[] {
  return eventsOfType(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).map(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? '',
  );
}
