/** Workflows whose search attributes list queries look for. */
import { condition, defineSignal, setHandler, upsertSearchAttributes } from '@temporalio/workflow';

export const finishSignal = defineSignal('finish');

/** Upserts `CustomKeywordField` to `stage`, then waits to be told to finish. */
export async function stagedWorkflow(stage: string): Promise<void> {
  let finished = false;
  setHandler(finishSignal, () => {
    finished = true;
  });
  upsertSearchAttributes({ CustomKeywordField: [stage] });
  await condition(() => finished);
}

/** Upserts an attribute of the given name and value: the server refuses unknown names and wrong types. */
export async function badUpsertWorkflow(name: string, value: string): Promise<void> {
  upsertSearchAttributes({ [name]: [value] });
  await condition(() => false);
}
