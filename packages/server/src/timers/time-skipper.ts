/**
 * Automatic time skipping for tests: while skipping is unlocked and nothing can
 * run — no workflow or activity task waiting for a worker or being worked on —
 * jump the clock to the next thing that will happen (the earliest durable
 * timer, or the end of a `sleep`). A week-long `sleep` in a workflow then takes
 * milliseconds, while a running activity still sees time flow at real speed.
 *
 * Skipping starts locked and is unlocked only while someone waits for a result,
 * as with the official test server (`lockTimeSkipping` / `unlockTimeSkipping`).
 * Only wired when the server's clock can jump, so the normal path pays nothing.
 */
import type { AdvanceableClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';

/** What the skipper needs to know about the server. */
export interface WorkloadProbe {
  /** True when no workflow or activity task is waiting for a worker or being worked on. */
  isIdle(): Promise<boolean>;
  /** Fire time of the earliest durable timer, or null. */
  nextTimerFireMs(): Promise<number | null>;
}

interface Sleeper {
  untilMs: number;
  wake: NodeJS.Timeout | null;
  resolve(): void;
  reject(err: Error): void;
}

/** Sleeps waiting at once: one per concurrent `env.sleep`; more is a leak. */
const SLEEPERS_MAX = 10_000;
/** setTimeout cannot wait longer than 2^31-1 ms. */
const WAKE_DELAY_MAX_MS = 2_147_483_647;

export class TimeSkipper {
  private locks = 1;
  private evaluating = false;
  private reevaluate = false;
  /** Bumped by every change: a jump decided on an older generation is dropped. */
  private generation = 0;
  private stopped = false;
  private readonly sleepers = new Set<Sleeper>();
  private readonly unsubscribeClock: () => void;

  constructor(
    private readonly clock: AdvanceableClock,
    private readonly probe: WorkloadProbe,
    private readonly log: Logger,
  ) {
    this.unsubscribeClock = clock.onAdvance(() => this.wakeSleepers());
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  /** Stop skipping until the matching `unlock` (nests). */
  lock(): void {
    this.locks++;
    this.generation++;
  }

  unlock(): void {
    if (this.locks === 0) throw new Error('time skipping unlocked more often than locked');
    this.locks--;
    this.poke();
  }

  /**
   * Wait until the clock has moved `ms` forward: at real speed, or at once
   * when skipping is unlocked and nothing runs before then. Leaves the lock
   * as it is (the official test service's `unlockTimeSkippingWithSleep` is
   * `unlock`, this, then `lock`).
   */
  async sleep(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`cannot sleep ${ms} ms`);
    if (this.stopped) throw new Error('time skipper stopped');
    if (this.sleepers.size >= SLEEPERS_MAX) throw new Error(`more than ${SLEEPERS_MAX} concurrent sleeps`);
    const done = new Promise<void>((resolve, reject) => {
      this.sleepers.add({ untilMs: this.clock.nowMs() + ms, wake: null, resolve, reject });
    });
    this.wakeSleepers();
    this.poke();
    await done;
  }

  /** Something changed in the server: look again whether time can jump. */
  poke(): void {
    this.generation++;
    if (this.locks > 0 || this.stopped) return;
    if (this.evaluating) {
      this.reevaluate = true;
      return;
    }
    this.evaluating = true;
    void this.evaluate()
      .catch((err: unknown) => this.log.error({ err }, 'time skipping failed; time flows at real speed'))
      .finally(() => {
        this.evaluating = false;
        if (this.reevaluate) {
          this.reevaluate = false;
          this.poke();
        }
      });
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribeClock();
    for (const sleeper of this.sleepers) {
      if (sleeper.wake) clearTimeout(sleeper.wake);
      sleeper.reject(new Error('server stopped'));
    }
    this.sleepers.clear();
  }

  private async evaluate(): Promise<void> {
    const generation = this.generation;
    if (!(await this.probe.isIdle())) return;
    const nextTimerMs = await this.probe.nextTimerFireMs();
    let nextMs = nextTimerMs ?? Infinity;
    for (const sleeper of this.sleepers) nextMs = Math.min(nextMs, sleeper.untilMs);
    // A change while we looked (a new task, a lock) makes the answer stale; its poke looks again.
    if (generation !== this.generation || this.locks > 0 || this.stopped || nextMs === Infinity) return;
    this.clock.advanceTo(nextMs);
  }

  /** Resolve due sleeps; give the others a real timeout for when time flows normally. */
  private wakeSleepers(): void {
    const nowMs = this.clock.nowMs();
    for (const sleeper of this.sleepers) {
      if (sleeper.wake) clearTimeout(sleeper.wake);
      sleeper.wake = null;
      if (sleeper.untilMs <= nowMs) {
        this.sleepers.delete(sleeper);
        sleeper.resolve();
      } else {
        sleeper.wake = setTimeout(() => this.wakeSleepers(), Math.min(sleeper.untilMs - nowMs, WAKE_DELAY_MAX_MS));
      }
    }
  }
}
