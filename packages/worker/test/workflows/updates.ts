/** An update handler that never finishes, with and without the warning when the workflow returns. */
import { HandlerUnfinishedPolicy, condition, defineSignal, defineUpdate, setHandler } from '@endure/workflow';

export const neverUpdate = defineUpdate<void>('never');
export const quietNeverUpdate = defineUpdate<void>('quietNever');
export const finishSignal = defineSignal('finish');

export async function leavesHandlersRunning(): Promise<string> {
  let finished = false;
  setHandler(neverUpdate, () => condition(() => false));
  setHandler(quietNeverUpdate, () => condition(() => false), { unfinishedPolicy: HandlerUnfinishedPolicy.ABANDON });
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
  return 'done';
}
