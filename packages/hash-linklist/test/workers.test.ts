import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createTable } from '../src/index.js';
// @ts-expect-error: a plain ES module shared with the worker
import { workerKey, workerValue } from './fixtures/keys.mjs';

const key = workerKey as (i: number) => Uint8Array;
const value = workerValue as (i: number) => Uint8Array;

/**
 * Invariants 2 and 3 of `HashLinkListTable`: readers in other threads read while the writer
 * turns buckets into skip lists and grows the directory (relinking every list). Each reader
 * checks point reads, prefix scans and the total order at a snapshot it takes from `lastSeq`
 * against what the writer is known to have written by then. Needs the built package.
 */
describe('readers in worker threads', () => {
  it('see every entry at their snapshot while buckets turn into skip lists and the directory grows', async () => {
    const table = createTable({ prefixExtractor: 4, skipListThreshold: 4 });
    const control = new Int32Array(new SharedArrayBuffer(12));
    const readers = [1, 2].map(
      (seed) =>
        new Worker(new URL('./fixtures/reader.mjs', import.meta.url), {
          workerData: { handle: table.share(), control: control.buffer, seed },
          execArgv: [],
        }),
    );
    let failure: Error | undefined;
    const results = readers.map(
      (worker) =>
        new Promise<{ errors: string[]; reads: number; scans: number }>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', (error) => {
            failure = error;
            reject(error);
          });
        }),
    );
    while (Atomics.load(control, 1) < readers.length) {
      if (failure !== undefined) throw failure;
      await new Promise((r) => setTimeout(r, 5));
    }
    const doublings: number[] = [];
    for (let i = 0; i < 80000; i++) {
      const count = table.bucketCount;
      table.put(key(i), value(i));
      if (table.bucketCount !== count) doublings.push(i);
      // On a loaded machine the readers may get no core while the writer runs: every 2000
      // writes the writer waits until they have read a little, so that they read throughout.
      if (i % 2000 === 1999) {
        const reads = Atomics.load(control, 2);
        while (Atomics.load(control, 2) < reads + 200) await new Promise((r) => setImmediate(r));
      }
    }
    Atomics.store(control, 0, 1);
    const outcomes = await Promise.all(results);
    await Promise.all(readers.map((w) => w.terminate()));
    expect(table.bucketKind(key(0))).toBe('skiplist');
    expect(doublings.length).toBeGreaterThanOrEqual(5);
    for (const outcome of outcomes) {
      expect(outcome.errors).toEqual([]);
      expect(outcome.reads).toBeGreaterThan(4000);
      expect(outcome.scans).toBeGreaterThan(10);
    }
  });
});
