import { describe, expect, it } from 'vitest';
import { eventAttributes } from './run-ends';

describe('eventAttributes', () => {
  it('finds an event\'s attributes by its type', () => {
    const event = { eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW', workflowExecutionContinuedAsNewEventAttributes: { newExecutionRunId: 'r2' } };
    expect(eventAttributes<{ newExecutionRunId: string }>(event)?.newExecutionRunId).toBe('r2');
    expect(eventAttributes(undefined)).toBeUndefined();
  });
});
