import { WriteBatch } from '@memrep/core';
import type { MemtableLog, RecoveredBatch } from '../src/index.js';

/**
 * An in-memory `MemtableLog` for the list's tests: logs hold copies of the batches appended,
 * acknowledgements wait for `ack()` when `manual`, and a failure can be armed.
 */
export class FakeLog implements MemtableLog {
  readonly logs = new Map<number, WriteBatch[]>();
  current = 1;
  manual = false;
  failNext: Error | undefined;
  readonly syncs: boolean[] = [];
  readonly released: number[] = [];
  #waiting: (() => void)[] = [];
  closed = false;

  constructor(logs?: Map<number, WriteBatch[]>) {
    if (logs) {
      for (const [n, batches] of logs) this.logs.set(n, [...batches]);
      this.current = Math.max(0, ...logs.keys()) + 1;
    }
    this.logs.set(this.current, this.logs.get(this.current) ?? []);
  }

  append(batch: WriteBatch, sync: boolean): Promise<void> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      return Promise.reject(error);
    }
    this.logs.get(this.current)?.push(WriteBatch.fromRep(batch.rep));
    this.syncs.push(sync);
    if (!this.manual) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Acknowledges the oldest `n` appends still waiting. */
  ack(n = Number.POSITIVE_INFINITY): void {
    const now = this.#waiting.splice(0, Math.min(n, this.#waiting.length));
    for (const resolve of now) resolve();
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  rotate(): number {
    this.current++;
    this.logs.set(this.current, []);
    return this.current;
  }

  async release(logNumber: number): Promise<void> {
    this.released.push(logNumber);
    for (const n of [...this.logs.keys()]) if (n < logNumber) this.logs.delete(n);
  }

  *recover(): Iterable<RecoveredBatch> {
    for (const n of [...this.logs.keys()].sort((a, b) => a - b)) {
      for (const batch of this.logs.get(n) ?? []) yield { logNumber: n, batch };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
