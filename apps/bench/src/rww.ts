/**
 * readwhilewriting: one writer fills a fresh table (fillrandom) while `--readers` worker
 * threads, attached to the same table through `share()`/`attach()`, do random gets on it.
 *
 * The threads meet on two counters in shared memory, each holding a round number so that no
 * wake-up can be lost: the writer stores the round in GO and starts its clock; readers start
 * when they see it, and stop when STOP reaches it, right after the writer's last put.
 */
import { Worker } from 'node:worker_threads';
import type { Dataset } from './data.js';
import { collectGarbage, type GcPauses } from './gc.js';
import { fill } from './loops-sync.js';
import type { Job, Sample } from './results.js';
import type { SharePlan, SyncInstance } from './systems/types.js';
import { warmupCount } from './workloads.js';

export const GO = 0;
export const STOP = 1;

/** What each reader thread is started with. */
export interface ReaderData {
  readonly keys: SharedArrayBuffer;
  readonly keySize: number;
  readonly order: SharedArrayBuffer;
  readonly control: SharedArrayBuffer;
  /** Where in the read order this reader starts, so readers do not read in lockstep. */
  readonly start: number;
}

export type ToReader = {
  readonly type: 'round';
  readonly round: number;
  readonly plan: SharePlan;
  /** Writer threads (`writers.ts`): how many write this round, and how many keys in all. */
  readonly writers?: number;
  readonly count?: number;
};
export type FromReader =
  | { readonly type: 'ready'; readonly round: number }
  | { readonly type: 'done'; readonly round: number; readonly reads: number; readonly ms: number }
  | { readonly type: 'error'; readonly message: string };

export interface ReadWhileWritingOptions {
  readonly job: Job;
  readonly data: Dataset;
  readonly open: () => Promise<SyncInstance & Required<Pick<SyncInstance, 'share'>>>;
  readonly gc: GcPauses;
}

export async function readWhileWriting(options: ReadWhileWritingOptions): Promise<Sample[]> {
  const { job, data } = options;
  const keys = toShared(data.keys);
  const order = toShared(new Uint8Array(data.readOrder.buffer));
  const control = new SharedArrayBuffer(8);
  const ctl = new Int32Array(control);
  const readers: Reader[] = [];
  for (let i = 0; i < job.readers; i++) {
    const workerData: ReaderData = {
      keys,
      keySize: data.keySize,
      order,
      control,
      start: Math.floor((i * job.num) / job.readers),
    };
    readers.push(
      new Reader(new Worker(new URL('./rww-reader.js', import.meta.url), { workerData })),
    );
  }
  const samples: Sample[] = [];
  try {
    const warmup = warmupCount(job.num);
    for (let round = 1; round <= job.repeat + 1; round++) {
      const n = round === 1 ? warmup : job.num;
      const inst = await options.open();
      const plan = inst.share();
      await Promise.all(readers.map((r) => r.ready(round, plan)));
      const finished = readers.map((r) => r.done(round));
      collectGarbage();
      const t0 = performance.now();
      Atomics.store(ctl, GO, round);
      Atomics.notify(ctl, GO);
      fill(inst, { bytes: data.keys, size: data.keySize }, null, n, data.values, 0);
      const t1 = performance.now();
      Atomics.store(ctl, STOP, round);
      const results = await Promise.all(finished);
      if (round === 1) continue;
      const gcMaxPauseMs = await options.gc.longest(t0, t1);
      samples.push({
        ops: n,
        ms: t1 - t0,
        gcMaxPauseMs,
        readerOps: results.reduce((s, r) => s + r.reads, 0),
        readerOpsPerSec: results.reduce((s, r) => s + (r.reads * 1000) / r.ms, 0),
      });
    }
  } finally {
    await Promise.all(readers.map((r) => r.terminate()));
  }
  return samples;
}

export function toShared(bytes: Uint8Array): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(shared).set(bytes);
  return shared;
}

/**
 * The main thread's side of one worker thread (a reader here, a writer in `writers.ts`): one
 * pending reply at a time; a thread that fails or exits fails what is waited on.
 */
export class Reader {
  readonly #worker: Worker;
  #waiting:
    | { type: FromReader['type']; resolve: (m: FromReader) => void; reject: (e: Error) => void }
    | undefined;
  #failure: Error | undefined;

  constructor(worker: Worker, what = 'reader thread') {
    this.#worker = worker;
    worker.on('message', (m: FromReader) => {
      const waiting = this.#waiting;
      if (m.type === 'error') return this.#fail(new Error(`${what}: ${m.message}`));
      if (waiting === undefined || waiting.type !== m.type) {
        return this.#fail(new Error(`${what} sent an unexpected ${m.type}`));
      }
      this.#waiting = undefined;
      waiting.resolve(m);
    });
    worker.on('error', (e) => this.#fail(e));
    worker.on('exit', (code) => this.#fail(new Error(`${what} exited with code ${code}`)));
  }

  async ready(
    round: number,
    plan: SharePlan,
    extra?: Pick<ToReader, 'writers' | 'count'>,
  ): Promise<void> {
    const reply = this.#expect('ready');
    this.#worker.postMessage({ type: 'round', round, plan, ...extra } satisfies ToReader);
    await reply;
  }

  async done(_round: number): Promise<{ reads: number; ms: number }> {
    const m = await this.#expect('done');
    if (m.type !== 'done') throw new Error('unreachable');
    return { reads: m.reads, ms: m.ms };
  }

  async terminate(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }

  #expect(type: FromReader['type']): Promise<FromReader> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting = { type, resolve, reject };
    });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(error);
  }
}
