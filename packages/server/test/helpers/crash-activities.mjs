// @ts-check
/**
 * Activities shared by a worker running in a child process (which the test
 * SIGKILLs) and the in-process worker that takes over. Plain ESM so the child
 * process can load it with bare `node`, without a TypeScript loader; its types
 * for TypeScript callers are in crash-activities.d.mts.
 */
import process from 'node:process';
import { Context } from '@temporalio/activity';

/**
 * @typedef {{ type: 'attempt', attempt: number, startedFrom: number, pid: number }
 *   | { type: 'step', step: number, pid: number }} ActivityReport
 */

/**
 * @param {(report: ActivityReport) => void} report called as the activities make progress
 */
export function createCrashActivities(report) {
  return {
    /**
     * Processes `total` items, heartbeating the number done so far; a retry
     * resumes from the last heartbeat the server recorded.
     * @param {number} total
     * @param {number} stepMs
     * @returns {Promise<{ attempt: number, startedFrom: number, pid: number }>}
     */
    async countWithHeartbeat(total, stepMs) {
      const ctx = Context.current();
      const details = ctx.info.heartbeatDetails;
      const startedFrom = typeof details === 'number' ? details : 0;
      report({ type: 'attempt', attempt: ctx.info.attempt, startedFrom, pid: process.pid });
      for (let done = startedFrom; done < total; done++) {
        ctx.heartbeat(done);
        await ctx.sleep(stepMs);
      }
      return { attempt: ctx.info.attempt, startedFrom, pid: process.pid };
    },

    /**
     * @param {number} step
     * @returns {Promise<{ step: number, pid: number }>}
     */
    async whoAmI(step) {
      report({ type: 'step', step, pid: process.pid });
      return { step, pid: process.pid };
    },
  };
}
