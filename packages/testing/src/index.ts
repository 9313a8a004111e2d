/**
 * Endure's testing helpers, mirroring `@temporalio/testing`: an in-process test server with
 * optional time skipping, and a mock environment for unit-testing activities.
 *
 * @example
 * ```ts
 * import { MockActivityEnvironment, TestWorkflowEnvironment } from '@endure/testing';
 *
 * const env = await TestWorkflowEnvironment.createTimeSkipping();
 * // … run a Worker on env.nativeConnection, drive workflows through env.client …
 * await env.teardown();
 *
 * const activityEnv = new MockActivityEnvironment();
 * const result = await activityEnv.run(myActivity, 'input');
 * ```
 *
 * @module
 */
export {
  defaultActivityInfo,
  MockActivityEnvironment,
  type MockActivityEnvironmentOptions,
} from './mocking-activity-environment.js';
export {
  TimeSkippingClient,
  TimeSkippingWorkflowClient,
  type ClientOptionsForTestEnv,
  type TimeSkippingLock,
} from './client.js';
export {
  TestWorkflowEnvironment,
  type ExistingServerTestWorkflowEnvironmentOptions,
  type LocalServerConfig,
  type LocalTestWorkflowEnvironmentOptions,
  type TimeSkippingServerConfig,
  type TimeSkippingTestWorkflowEnvironmentOptions,
} from './testing-workflow-environment.js';
