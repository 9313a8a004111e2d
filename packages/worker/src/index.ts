/**
 * @endure/worker — runs workflows and activities (mirrors @temporalio/worker),
 * pure TypeScript: no native module, no webpack.
 */
export { NativeConnection, TransportError, type NativeConnectionOptions } from './connection.js';
export { DefaultLogger, type LogLevel, type WorkerLogger as Logger } from './logger.js';
export { historyFromJSON, type HistoryAndWorkflowId, type ReplayResult } from './replay.js';
export { bundleWorkflowCode, type BundleOptions, type WorkflowBundle } from './workflow/bundler.js';
export { Worker, type ReplayWorkerOptions, type State, type WorkerOptions, type WorkflowBundleOption } from './worker.js';
