/** Types for crash-activities.mjs (plain ESM so a bare `node` child process can load it). */
export type ActivityReport =
  | { type: 'attempt'; attempt: number; startedFrom: number; pid: number }
  | { type: 'step'; step: number; pid: number };

export interface CrashActivities {
  countWithHeartbeat(total: number, stepMs: number): Promise<{ attempt: number; startedFrom: number; pid: number }>;
  whoAmI(step: number): Promise<{ step: number; pid: number }>;
}

export function createCrashActivities(report: (report: ActivityReport) => void): CrashActivities;
