/**
 * fillrandom --writers W: W worker threads fill one fresh table at once, each its own slice
 * of the keys, through `share({ writable: true })` and `attach` (SPEC "Concurrent writers");
 * each run also fills a fresh table with one writer thread through the same harness, so
 * that the ratio of the two is taken in one process.
 *
 * The threads meet on two counters in shared memory: the main thread stores the round in GO
 * and starts its clock; each writer adds 1 to DONE after its last put, and the clock stops
 * when DONE reaches the round's writers.
 */
import { Worker } from 'node:worker_threads';
import type { Dataset } from './data.js';
import { collectGarbage, type GcPauses } from './gc.js';
import { verify } from './loops-sync.js';
import type { Job, Sample } from './results.js';
import { Reader, toShared } from './rww.js';
import type { SharePlan, SyncInstance } from './systems/types.js';
import { warmupCount } from './workloads.js';

export const GO = 0;
export const DONE = 1;

/** What each writer thread is started with. */
export interface WriterData {
  readonly index: number;
  readonly keys: SharedArrayBuffer;
  readonly keySize: number;
  /** The value pool, `valueSize` bytes each, end to end. */
  readonly values: SharedArrayBuffer;
  readonly valueSize: number;
  readonly control: SharedArrayBuffer;
}

/** Keys `[from, to)` of `count` that writer `index` of `writers` puts. */
export function writerSlice(index: number, writers: number, count: number): [number, number] {
  return [Math.floor((index * count) / writers), Math.floor(((index + 1) * count) / writers)];
}

export interface WritersOptions {
  readonly job: Job;
  readonly data: Dataset;
  readonly open: () => Promise<SyncInstance & Required<Pick<SyncInstance, 'shareWritable'>>>;
  readonly gc: GcPauses;
}

export async function fillWithWriters(options: WritersOptions): Promise<Sample[]> {
  const { job, data, gc } = options;
  const w = job.writers ?? 1;
  const keys = toShared(data.keys);
  const pool = new Uint8Array(data.values.length * data.valueSize);
  for (let i = 0; i < data.values.length; i++) pool.set(data.values[i], i * data.valueSize);
  const values = toShared(pool);
  const control = new SharedArrayBuffer(8);
  const ctl = new Int32Array(control);
  const writers: Reader[] = [];
  for (let index = 0; index < w; index++) {
    const workerData: WriterData = {
      index,
      keys,
      keySize: data.keySize,
      values,
      valueSize: data.valueSize,
      control,
    };
    const worker = new Worker(new URL('./writers-worker.js', import.meta.url), { workerData });
    writers.push(new Reader(worker, 'writer thread'));
  }
  let round = 0;
  let done = 0;
  /** One fill of `count` keys by the first `active` threads; returns its ms. */
  const fill = async (active: number, count: number): Promise<{ ms: number; gc: number }> => {
    round++;
    const inst = await options.open();
    const plan: SharePlan = inst.shareWritable();
    const team = writers.slice(0, active);
    await Promise.all(team.map((t) => t.ready(round, plan, { writers: active, count })));
    const finished = team.map((t) => t.done(round));
    collectGarbage();
    const t0 = performance.now();
    Atomics.store(ctl, GO, round);
    Atomics.notify(ctl, GO);
    done += active;
    for (let seen = Atomics.load(ctl, DONE); seen < done; seen = Atomics.load(ctl, DONE)) {
      Atomics.wait(ctl, DONE, seen, 100);
    }
    const t1 = performance.now();
    await Promise.all(finished);
    verify(inst, { bytes: data.keys, size: data.keySize }, count, data.values, 0);
    return { ms: t1 - t0, gc: await gc.longest(t0, t1) };
  };
  const samples: Sample[] = [];
  try {
    await fill(w, warmupCount(job.num));
    await fill(1, warmupCount(job.num));
    for (let r = 0; r < job.repeat; r++) {
      const one = await fill(1, job.num);
      const many = await fill(w, job.num);
      samples.push({
        ops: job.num,
        ms: many.ms,
        oneWriterMs: one.ms,
        gcMaxPauseMs: Math.max(one.gc, many.gc),
      });
    }
  } finally {
    await Promise.all(writers.map((t) => t.terminate()));
  }
  return samples;
}
