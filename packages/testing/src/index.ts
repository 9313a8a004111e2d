/**
 * Endure's testing helpers, mirroring `@temporalio/testing`.
 *
 * @example
 * ```ts
 * import { MockActivityEnvironment } from '@endure/testing';
 *
 * const env = new MockActivityEnvironment();
 * const result = await env.run(myActivity, 'input');
 * ```
 *
 * @module
 */
export {
  defaultActivityInfo,
  MockActivityEnvironment,
  type MockActivityEnvironmentOptions,
} from './mocking-activity-environment.js';
