/** Search attributes and memo changed by the workflow itself. */
import { sleep, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

export interface Properties {
  searchAttributes: Record<string, unknown>;
  memo?: Record<string, unknown>;
}

/** Adds, changes and removes search attributes and memo fields; reports what workflowInfo() shows. */
export async function upsertingWorkflow(): Promise<Properties> {
  upsertSearchAttributes({ CustomKeywordField: ['packed'], CustomIntField: [3] });
  upsertMemo({ note: 'packed', courier: 'bike' });
  // The second round comes from a later workflow task, after replay of the first.
  await sleep(1);
  upsertSearchAttributes({ CustomKeywordField: ['shipped'], CustomIntField: [] });
  upsertMemo({ note: 'shipped', courier: undefined });
  const info = workflowInfo();
  return { searchAttributes: { ...info.searchAttributes }, memo: info.memo };
}
