/** Entry point bundled once for all tests (see helpers/global-setup.ts). */
export { activityWorkflow, arithmeticWorkflow, orderWorkflow } from './orders.js';
export { cancelTimerWorkflow, cancellableWorkflow, sleepWorkflow } from './cancellation.js';
export { approvalWorkflow } from './approval.js';
export { crashChain, crashParent, stepChild, stepsAroundTimerWorkflow, stepsWorkflow } from './crash.js';
export {
  buggyHandlerWorkflow,
  cancelSender,
  countingChain,
  cronRun,
  doublingChild,
  failingChild,
  familyInfoChild,
  fanOutParent,
  flakyWorkflow,
  grandparentWorkflow,
  middleChild,
  parentCancellingChild,
  parentCancellingChildWith,
  parentOfFailingChild,
  parentSignallingChild,
  parentStartingDuplicate,
  parentThatLeaves,
  parentWaitingForever,
  signalSender,
  waitingChild,
} from './children.js';
export { upsertingWorkflow } from './properties.js';
export { buildIdsWorkflow, infoWorkflow, parentOfSummarizedChild, summarizedWorkflow } from './details.js';
export {
  cancelledLocalActivity,
  localActivitiesAroundSignal,
  localActivityWorkflow,
  signalledDuringLocalActivity,
} from './local-activities.js';
export { cartWorkflow } from './updates.js';
export {
  parentOfTypedChild,
  typedContinueAsNewWorkflow,
  typedInfoWorkflow,
  typedUpsertWorkflow,
  untypedUpsertWorkflow,
} from './search-attributes.js';
export { badUpsertWorkflow, stagedWorkflow } from './visibility.js';
export { inspectChain, inspectFailing, inspectFamily, inspectGreeting, inspectGreetingParent } from './cli-inspect.js';
export {
  uiAwaitingApproval,
  uiCompleted,
  uiFailed,
  uiParent,
  uiPendingFailingActivity,
} from './ui.js';
export { chainedSteps, parallelParked, signalCollector } from './cluster.js';
export { scheduledJob } from './schedules.js';
export { manyTimersWorkflow, threeActivitiesWorkflow } from './limits.js';
