/** Time source for the engine; injected so tests and time skipping can control it. */
export interface Clock {
  nowMs(): number;
}

/**
 * A clock that can jump forward (time-skipping tests). Whoever waits for a
 * deadline on it with a real `setTimeout` subscribes, since a jump makes the
 * deadline due early.
 */
export interface AdvanceableClock extends Clock {
  /** Jump forward to `ms`; a time at or before now changes nothing. */
  advanceTo(ms: number): void;
  /** Call `listener` after every jump; returns the function that unsubscribes. */
  onAdvance(listener: () => void): () => void;
}

export function isAdvanceable(clock: Clock): clock is AdvanceableClock {
  const candidate = clock as Partial<AdvanceableClock>;
  return typeof candidate.advanceTo === 'function' && typeof candidate.onAdvance === 'function';
}

export const systemClock: Clock = { nowMs: () => Date.now() };
