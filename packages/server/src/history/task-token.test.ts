/** Task tokens are Temporal's bytes: what we issue decodes back, and garbage is refused naming the field. */
import { describe, expect, it } from 'vitest';
import { decodeTaskToken, encodeTaskToken } from './task-token.js';

const ids = { ns: 'e4b0f184-e031-44fa-8b0c-f027d055bedc', wf: 'order-42', run: '33fe12c8-be49-41a2-8abd-1765496ede9e' };

describe('task tokens', () => {
  it('decode to what was encoded, for each kind of task', () => {
    const activity = { k: 'at' as const, ...ids, s: 5, a: 3, activityId: 'charge' };
    expect(decodeTaskToken(encodeTaskToken(activity), 'at')).toEqual(activity);
    const workflow = { k: 'wt' as const, ...ids, s: 2, a: 1 };
    expect(decodeTaskToken(encodeTaskToken(workflow), 'wt')).toEqual(workflow);
    expect(decodeTaskToken(encodeTaskToken({ k: 'q', id: 'query-7' }), 'q')).toEqual({ k: 'q', id: 'query-7' });
  });

  it('refuse bytes that are not a token, or a token without its execution, as INVALID_ARGUMENT naming task_token', () => {
    for (const bytes of [Buffer.from('this is not a task token'), Buffer.from([0xff, 0x00, 0x13]), encodeTaskToken({ k: 'q', id: 'x' })]) {
      expect(() => decodeTaskToken(bytes, 'at')).toThrow(/task_token/);
    }
    expect(() => decodeTaskToken(new Uint8Array(), 'wt')).toThrow(/task_token is empty/);
  });
});
