/** Signals, queries and `condition` with a timeout: a human approval step. */
import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';

export const approveSignal = defineSignal<[string]>('approve');
export const addItemSignal = defineSignal<[string]>('addItem');
export const statusQuery = defineQuery<ApprovalStatus>('status');

export interface ApprovalStatus {
  state: 'waiting' | 'approved' | 'timed out';
  items: string[];
}

export interface ApprovalResult {
  outcome: string;
  items: string[];
}

/** Waits up to `timeoutMs` for an approval; items can be added meanwhile. */
export async function approvalWorkflow(timeoutMs: number): Promise<ApprovalResult> {
  let approvedBy: string | undefined;
  const status: ApprovalStatus = { state: 'waiting', items: [] };
  setHandler(approveSignal, (by) => {
    approvedBy = by;
  });
  setHandler(addItemSignal, (item) => {
    status.items.push(item);
  });
  setHandler(statusQuery, () => status);
  const approved = await condition(() => approvedBy !== undefined, timeoutMs);
  status.state = approved ? 'approved' : 'timed out';
  return { outcome: approved ? `approved by ${approvedBy}` : 'timed out', items: status.items };
}
