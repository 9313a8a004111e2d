/** The activity executor of the Endure worker; the `Worker` class composes it with the workflow side. */
export { ActivityWorker, type ActivityWorkerOptions } from './activity-worker.js';
export type { WorkerLogger } from './execution.js';
