import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Runs a full GC; the children run with `--expose-gc`. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the bench child needs --expose-gc');
  gc();
}

/**
 * GC pauses, from a `PerformanceObserver` on `gc` entries. Node delivers entries on a later
 * turn of the event loop, so a synchronous timed loop sees none while it runs: the pauses
 * that fell inside it are picked out afterwards by their start time.
 */
export class GcPauses {
  readonly #pauses: { start: number; duration: number }[] = [];
  readonly #observer: PerformanceObserver;

  constructor() {
    this.#observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        this.#pauses.push({ start: e.startTime, duration: e.duration });
    });
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  /** The longest pause that began in [from, to] (`performance.now()` times), in ms; 0 if none. */
  async longest(from: number, to: number): Promise<number> {
    await sleep(1);
    let max = 0;
    for (const p of this.#pauses) {
      if (p.start >= from && p.start <= to && p.duration > max) max = p.duration;
    }
    this.#pauses.length = 0;
    return max;
  }

  close(): void {
    this.#observer.disconnect();
  }
}
