import { describe, expect, it } from 'vitest';
import { HistoryTails } from './history-tail.js';

const ev = (eventId: number, size = 3) => ({ eventId, data: new Uint8Array(size).fill(eventId) });

describe('HistoryTails', () => {
  it('answers a range it holds whole, and nothing else', () => {
    const tails = new HistoryTails();
    tails.appended('ns', 'r', [ev(1), ev(2), ev(3)]);
    tails.appended('ns', 'r', [ev(4)]);
    expect(tails.read('ns', 'r', 2, 4)?.map((d) => d[0])).toEqual([2, 3, 4]);
    expect(tails.read('ns', 'r', 3, 5)).toBeNull();
    expect(tails.read('ns', 'other', 1, 1)).toBeNull();
  });

  it('starts over when a commit does not follow on (another node appended in between)', () => {
    const tails = new HistoryTails();
    tails.appended('ns', 'r', [ev(1), ev(2)]);
    tails.appended('ns', 'r', [ev(5), ev(6)]);
    expect(tails.read('ns', 'r', 1, 2)).toBeNull();
    expect(tails.read('ns', 'r', 3, 6)).toBeNull();
    expect(tails.read('ns', 'r', 5, 6)?.map((d) => d[0])).toEqual([5, 6]);
  });

  it('keeps at most the last 128 events of a run, and forgets a deleted run', () => {
    const tails = new HistoryTails();
    tails.appended('ns', 'r', Array.from({ length: 200 }, (_, i) => ev(i + 1)));
    expect(tails.read('ns', 'r', 72, 200)).toBeNull();
    expect(tails.read('ns', 'r', 73, 200)).toHaveLength(128);
    tails.drop('ns', 'r');
    expect(tails.read('ns', 'r', 200, 200)).toBeNull();
  });
});
