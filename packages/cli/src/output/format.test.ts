import { describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { enumShortName, formatDuration, formatRelative, formatTime } from './format.js';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1500, '1.5s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [3_723_000, '1h2m3s'],
    [-2000, '-2s'],
  ])('%d ms is %s, as Go prints durations', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  it.each([
    [now - 500, 'now'],
    [now - 1000, '1 second ago'],
    [now - 3 * 60_000 - 5000, '3 minutes ago'],
    [now + 2 * 3_600_000, 'in 2 hours'],
    [now - 10 * 86_400_000, '1 week ago'],
  ])('%d is "%s"', (ms, text) => {
    expect(formatRelative(ms, now)).toBe(text);
  });
});

describe('formatTime', () => {
  const ts = { seconds: 1_764_676_800, nanos: 123_000_000 }; // 2025-12-02T12:00:00.123Z
  it('prints ISO times to the second, raw times to the millisecond, and nothing for an unset time', () => {
    expect(formatTime(ts, 'iso')).toBe('2025-12-02T12:00:00Z');
    expect(formatTime(ts, 'raw')).toBe('2025-12-02T12:00:00.123Z');
    expect(formatTime({ seconds: 0, nanos: 0 }, 'iso')).toBe('');
    expect(formatTime(undefined, 'relative')).toBe('');
  });
});

describe('enumShortName', () => {
  it('drops the prefix and camel-cases the rest, from the number or the name', () => {
    const status = temporal.api.enums.v1.WorkflowExecutionStatus as unknown as Record<string, number>;
    expect(enumShortName(status, 'WORKFLOW_EXECUTION_STATUS_', 2)).toBe('Completed');
    expect(enumShortName(status, 'WORKFLOW_EXECUTION_STATUS_', 'WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW')).toBe('ContinuedAsNew');
    const events = temporal.api.enums.v1.EventType as unknown as Record<string, number>;
    expect(enumShortName(events, 'EVENT_TYPE_', events['EVENT_TYPE_ACTIVITY_TASK_SCHEDULED'])).toBe('ActivityTaskScheduled');
  });
});
