/**
 * Typed search attributes changed by the workflow itself and read back through a query. Keys
 * are spelled as plain objects: `defineSearchAttributeKey` lives in `@temporalio/common`, which
 * the Endure bundle does not alias (only `@temporalio/workflow` becomes `@endure/workflow`).
 */
import {
  condition,
  defineQuery,
  defineSignal,
  executeChild,
  makeContinueAsNewFunc,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';

export const typedSearchAttributesQuery = defineQuery<SearchAttributePair[]>('typedSearchAttributes');
export const untypedSearchAttributesQuery = defineQuery<Record<string, unknown>>('untypedSearchAttributes');
export const finishSignal = defineSignal('finish');

/** When the first round sets CustomDatetimeField. */
export const upsertedDatetime = '2026-05-06T07:08:09.010Z';

/**
 * Round one sets Keyword, Int and Datetime; round two, in a later workflow task (so after the
 * replay of the first), changes Keyword, removes Int and adds Bool. Waits for `finish`.
 */
export async function typedUpsertWorkflow(): Promise<void> {
  let finished = false;
  setHandler(typedSearchAttributesQuery, () => workflowInfo().typedSearchAttributes.getAll());
  setHandler(untypedSearchAttributesQuery, () => ({ ...workflowInfo().searchAttributes }));
  setHandler(finishSignal, () => {
    finished = true;
  });
  upsertSearchAttributes([
    { key: { name: 'CustomKeywordField', type: 'KEYWORD' }, value: 'packed' },
    { key: { name: 'CustomIntField', type: 'INT' }, value: 3 },
    { key: { name: 'CustomDatetimeField', type: 'DATETIME' }, value: new Date(upsertedDatetime) },
  ]);
  await sleep(1);
  upsertSearchAttributes([
    { key: { name: 'CustomKeywordField', type: 'KEYWORD' }, value: 'shipped' },
    { key: { name: 'CustomIntField', type: 'INT' }, value: null },
    { key: { name: 'CustomBoolField', type: 'BOOL' }, value: true },
  ]);
  await condition(() => finished);
}

/** What this run's workflowInfo() shows: the attributes the worker read from the start event. */
export function typedInfoWorkflow(): Promise<SearchAttributePair[]> {
  return Promise.resolve(workflowInfo().typedSearchAttributes.getAll());
}

/** Starts `typedInfoWorkflow` as a child with typed attributes; returns what the child saw. */
export async function parentOfTypedChild(childId: string): Promise<SearchAttributePair[]> {
  return executeChild(typedInfoWorkflow, {
    workflowId: childId,
    typedSearchAttributes: [
      { key: { name: 'CustomKeywordField', type: 'KEYWORD' }, value: 'child' },
      { key: { name: 'CustomDoubleField', type: 'DOUBLE' }, value: 0.5 },
    ],
  });
}

/** Continues as new once with typed attributes; the second run returns what it saw. */
export async function typedContinueAsNewWorkflow(continued: boolean): Promise<SearchAttributePair[]> {
  if (continued) return workflowInfo().typedSearchAttributes.getAll();
  const next = makeContinueAsNewFunc<typeof typedContinueAsNewWorkflow>({
    typedSearchAttributes: [{ key: { name: 'CustomIntField', type: 'INT' }, value: 2 }],
  });
  return next(true);
}

/**
 * Untyped upserts seen through the typed view: a string keeps the type of the attribute already
 * there (KEYWORD here, not the TEXT a string implies), numbers and Dates imply theirs, and an
 * empty array removes. Returns what workflowInfo().typedSearchAttributes shows at the end.
 */
export function untypedUpsertWorkflow(): Promise<SearchAttributePair[]> {
  upsertSearchAttributes({
    CustomKeywordField: ['packed'],
    CustomIntField: [3],
    CustomDoubleField: [1.5],
    CustomDatetimeField: [new Date(upsertedDatetime)],
  });
  upsertSearchAttributes({ CustomIntField: [] });
  return Promise.resolve(workflowInfo().typedSearchAttributes.getAll());
}
