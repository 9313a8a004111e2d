/** MockActivityEnvironment: activities run in a real context, heartbeats become events, cancel() cancels. */
import { describe, expect, it } from 'vitest';
import * as activity from '@endure/activity';
import { MockActivityEnvironment } from '../src/index.js';

describe('MockActivityEnvironment', () => {
  it('runs an activity with its arguments in a context carrying default and overridden info', async () => {
    const env = new MockActivityEnvironment({ attempt: 3, activityType: 'charge' });
    // eslint-disable-next-line @typescript-eslint/require-await -- an activity is async by contract
    const result = await env.run(async (orderId: string, amountCents: number) => {
      const info = activity.activityInfo();
      return { orderId, amountCents, attempt: info.attempt, type: info.activityType, queue: info.taskQueue };
    }, 'o-1', 1250);
    expect(result).toEqual({ orderId: 'o-1', amountCents: 1250, attempt: 3, type: 'charge', queue: 'test' });
    expect(env.context.info.workflowExecution?.workflowId).toBe('test');
  });

  it('emits every heartbeat as a heartbeat event', async () => {
    const env = new MockActivityEnvironment();
    const seen: unknown[] = [];
    env.on('heartbeat', (details: unknown) => seen.push(details));
    // eslint-disable-next-line @typescript-eslint/require-await -- an activity is async by contract
    await env.run(async () => {
      activity.heartbeat(1);
      activity.Context.current().heartbeat({ step: 2 });
    });
    expect(seen).toEqual([1, { step: 2 }]);
  });

  it('cancels a sleeping activity with CANCELLED and cancelRequested details by default', async () => {
    const env = new MockActivityEnvironment();
    env.on('heartbeat', () => env.cancel());
    const outcome = env.run(async () => {
      activity.heartbeat('about to sleep');
      await activity.sleep('1 hour');
    });
    await expect(outcome).rejects.toBeInstanceOf(activity.CancelledFailure);
    await expect(outcome).rejects.toThrow('CANCELLED');
    expect(env.context.cancellationSignal.aborted).toBe(true);
    expect(env.context.cancellationDetails?.cancelRequested).toBe(true);
  });

  it('cancels with the given reason, and the context stays cancelled for later runs', async () => {
    const env = new MockActivityEnvironment();
    env.cancel('WORKER_SHUTDOWN', new activity.ActivityCancellationDetails({ workerShutdown: true }));
    const outcome = env.run(() => activity.cancelled());
    await expect(outcome).rejects.toThrow('WORKER_SHUTDOWN');
    await expect(env.run(() => activity.sleep(10))).rejects.toBeInstanceOf(activity.CancelledFailure);
    expect(env.context.cancellationDetails?.workerShutdown).toBe(true);
  });

  it('sends the activity log to the given logger', async () => {
    const lines: string[] = [];
    const record = (message: string): void => void lines.push(message);
    const logger: activity.Logger = {
      log: (level, message) => record(`${level} ${message}`),
      trace: (m) => record(`TRACE ${m}`),
      debug: (m) => record(`DEBUG ${m}`),
      info: (m) => record(`INFO ${m}`),
      warn: (m) => record(`WARN ${m}`),
      error: (m) => record(`ERROR ${m}`),
    };
    const env = new MockActivityEnvironment(undefined, { logger });
    // eslint-disable-next-line @typescript-eslint/require-await -- an activity is async by contract
    await env.run(async () => {
      activity.log.warn('careful');
      activity.Context.current().log.info('done');
    });
    expect(lines).toEqual(['WARN careful', 'INFO done']);
  });

  it('leaves no context outside run()', () => {
    expect(() => activity.Context.current()).toThrow('Activity context not initialized');
  });
});
