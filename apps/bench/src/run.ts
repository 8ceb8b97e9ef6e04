/**
 * Runs one job inside a child process: makes the data, opens the system, warms up, then does
 * `repeat` timed runs. Everything but the timed loop itself (data, table setup, fills that a
 * read workload starts from, checks, GCs) happens outside the clock.
 */
import { BlockEncoder, decodeBlock } from './block-encoder.js';
import { compareBytes } from './bytes.js';
import { Dataset, MISSING_SUFFIX, PREFIX_LENGTH, SEEK_STEPS } from './data.js';
import { runDurable, runRecover } from './durable.js';
import { collectGarbage, GcPauses } from './gc.js';
import * as asyncLoops from './loops-async.js';
import type { KeyBytes } from './loops-sync.js';
import * as syncLoops from './loops-sync.js';
import { GrowableBufferTracker, heapAndExternal, settle } from './memory.js';
import type { ChildResult, Job, Sample } from './results.js';
import { readWhileWriting } from './rww.js';
import { adapterFor, durableAdapterFor } from './systems/index.js';
import type { Instance, OpenOptions, SyncInstance, SystemAdapter } from './systems/types.js';
import { warmupCount } from './workloads.js';
import { fillWithWriters } from './writers.js';

/** Entries each range of interleaved reads. */
export const INTERLEAVED_LIMIT = 10;
/**
 * Wall time one interleaved pass may take before it stops and reports the rounds it did: a
 * system that pays O(N) per round (vector merges its index on every range after a put)
 * would otherwise take hours at N = 10^6.
 */
export const INTERLEAVED_BUDGET_MS = 20_000;

/** The loops, typed over either kind of instance: sync ones return numbers, async promises. */
interface Loops {
  fill(
    inst: Instance,
    keys: KeyBytes,
    order: Uint32Array | null,
    n: number,
    values: readonly Uint8Array[],
    shift: number,
  ): number | Promise<number>;
  read(
    inst: Instance,
    keys: KeyBytes,
    order: Uint32Array,
    n: number,
    suffix?: number,
  ): number | Promise<number>;
  seek(
    inst: Instance,
    keys: KeyBytes,
    order: Uint32Array,
    n: number,
    steps: number,
  ): number | Promise<number>;
  prefix(
    inst: Instance,
    prefixes: readonly Uint8Array[],
    uppers: readonly (Uint8Array | undefined)[],
    order: Uint32Array,
    n: number,
  ): number | Promise<number>;
  interleave(
    inst: Instance,
    fresh: KeyBytes,
    keys: KeyBytes,
    order: Uint32Array,
    n: number,
    values: readonly Uint8Array[],
    limit: number,
    budgetMs: number,
    progress: { rounds: number },
  ): number | Promise<number>;
  verify(
    inst: Instance,
    keys: KeyBytes,
    n: number,
    values: readonly Uint8Array[],
    shift: number,
  ): void | Promise<void>;
}

interface ReadPass {
  readonly ops: number;
  /** One whole pass: `ops` ops. */
  readonly pass: () => number | Promise<number>;
  readonly check: (result: number) => void;
}

const SYNC = syncLoops as unknown as Loops;
const ASYNC = asyncLoops as unknown as Loops;

export async function runJob(job: Job): Promise<ChildResult> {
  if (job.workload === 'durable' || job.workload === 'recover') return runDurableJob(job);
  const adapter = await adapterFor(job.system);
  const runner = new JobRunner(job, adapter);
  try {
    return await runner.run();
  } finally {
    runner.close();
  }
}

class JobRunner {
  readonly #job: Job;
  readonly #adapter: SystemAdapter;
  readonly #data: Dataset;
  readonly #gc = new GcPauses();

  constructor(job: Job, adapter: SystemAdapter) {
    this.#job = job;
    this.#adapter = adapter;
    this.#data = new Dataset(job.num, job.keySize, job.valueSize, job.seed);
  }

  close(): void {
    this.#gc.close();
  }

  async run(): Promise<ChildResult> {
    const w = this.#job.workload;
    switch (w) {
      case 'fillrandom':
        if (this.#job.writers !== undefined) return { samples: await this.#writers() };
        return { samples: await this.#fill(null) };
      case 'fillseq':
        return { samples: await this.#fill(this.#data.sortedOrder) };
      case 'overwrite':
        return { samples: await this.#overwrite() };
      case 'readrandom':
      case 'readmissing':
      case 'scan':
      case 'scancursor':
      case 'seekrandom':
        return { samples: await this.#readFilled() };
      case 'prefixscan':
        return { samples: await this.#prefixScan() };
      case 'readwhilewriting':
        return { samples: await this.#readWhileWriting() };
      case 'flush':
        return this.#flush();
      case 'interleaved':
        return { samples: await this.#interleaved() };
      case 'memory':
        return this.#memory();
      case 'durable':
      case 'recover':
        throw new Error(`${w} runs through runDurableJob`);
    }
  }

  get #keys(): KeyBytes {
    return { bytes: this.#data.keys, size: this.#data.keySize };
  }

  async #open(extra?: Partial<OpenOptions>): Promise<Instance> {
    const { num, keySize, valueSize } = this.#job;
    return this.#adapter.open(this.#job.system, { num, keySize, valueSize, ...extra });
  }

  /**
   * Times one pass. `pass` is called with the clock running and must do nothing but the
   * workload; `check` then validates what it returned, with the clock stopped.
   */
  async #timed(
    ops: number,
    pass: () => number | Promise<number>,
    check: (result: number) => void,
  ): Promise<Sample> {
    collectGarbage();
    const t0 = performance.now();
    let result = pass();
    if (typeof result !== 'number') result = await result;
    const t1 = performance.now();
    check(result);
    return { ops, ms: t1 - t0, gcMaxPauseMs: await this.#gc.longest(t0, t1) };
  }

  async #fill(order: Uint32Array | null): Promise<Sample[]> {
    const n = this.#job.num;
    const keys = this.#keys;
    const values = this.#data.values;
    const warm = await this.#open();
    const L = loopsFor(warm);
    await L.fill(warm, keys, order, warmupCount(n), values, 0);
    await close(warm);
    const samples: Sample[] = [];
    for (let r = 0; r < this.#job.repeat; r++) {
      const inst = await this.#open();
      samples.push(await this.#timed(n, () => L.fill(inst, keys, order, n, values, 0), ignore));
      await L.verify(inst, keys, n, values, 0);
      await close(inst);
    }
    return samples;
  }

  async #overwrite(): Promise<Sample[]> {
    const n = this.#job.num;
    const keys = this.#keys;
    const values = this.#data.values;
    const order = this.#data.overwriteOrder;
    const warm = await this.#open();
    const L = loopsFor(warm);
    await L.fill(warm, keys, null, warmupCount(n), values, 0);
    await L.fill(warm, keys, order, warmupCount(n), values, 1);
    await close(warm);
    const samples: Sample[] = [];
    for (let r = 0; r < this.#job.repeat; r++) {
      const inst = await this.#open();
      await L.fill(inst, keys, null, n, values, 0);
      samples.push(await this.#timed(n, () => L.fill(inst, keys, order, n, values, 1), ignore));
      await L.verify(inst, keys, n, values, 1);
      await close(inst);
    }
    return samples;
  }

  /** The read workloads: one table filled by fillrandom, a warm-up pass, then the runs. */
  async #readFilled(): Promise<Sample[]> {
    const { num: n, keySize, valueSize } = this.#job;
    const keys = this.#keys;
    const values = this.#data.values;
    const inst = await this.#open();
    const L = loopsFor(inst);
    await L.fill(inst, keys, null, n, values, 0);
    await L.verify(inst, keys, n, values, 0);
    const { ops, pass, check } = this.#readPass(inst, L, n * (keySize + valueSize));
    check(await pass());
    const samples: Sample[] = [];
    for (let r = 0; r < this.#job.repeat; r++) {
      samples.push(await this.#timed(ops, pass, check));
    }
    await close(inst);
    return samples;
  }

  /** What one timed pass of a read workload does, its op count, and how to check it. */
  #readPass(inst: Instance, L: Loops, entryBytes: number): ReadPass {
    const n = this.#job.num;
    const keys = this.#keys;
    const data = this.#data;
    switch (this.#job.workload) {
      case 'readrandom':
        return {
          ops: n,
          pass: () => L.read(inst, keys, data.readOrder, n),
          check: expect('keys found', n),
        };
      case 'readmissing':
        return {
          ops: n,
          pass: () => L.read(inst, keys, data.readOrder, n, MISSING_SUFFIX),
          check: expect('absent keys found', 0),
        };
      case 'scan':
        required(inst.scan);
        return { ops: n, pass: () => inst.scan!(), check: expect('bytes scanned', entryBytes) };
      case 'scancursor':
        required(inst.scanCursor);
        return {
          ops: n,
          pass: () => inst.scanCursor!(),
          check: expect('bytes scanned', entryBytes),
        };
      default:
        return {
          ops: data.seekOrder.length,
          pass: () => L.seek(inst, keys, data.seekOrder, data.seekOrder.length, SEEK_STEPS),
          check: (sum) => {
            if (sum <= 0) throw new Error('the seeks read nothing');
          },
        };
    }
  }

  async #prefixScan(): Promise<Sample[]> {
    const { num: n, keySize, valueSize } = this.#job;
    const data = this.#data.prefix;
    const keys: KeyBytes = { bytes: data.keys, size: keySize };
    const values = this.#data.values;
    const inst = await this.#open({ prefixLength: PREFIX_LENGTH });
    const L = loopsFor(inst);
    await L.fill(inst, keys, null, n, values, 0);
    await L.verify(inst, keys, n, values, 0);
    const scans = data.prefixes.length;
    const pass = () => L.prefix(inst, data.prefixes, data.uppers, data.scanOrder, scans);
    // Every key carries one prefix of the pool and each prefix is scanned once: all bytes read.
    const check = expect('bytes read by the prefix scans', n * (keySize + valueSize));
    check(await pass());
    const samples: Sample[] = [];
    for (let r = 0; r < this.#job.repeat; r++) {
      samples.push(await this.#timed(scans, pass, check));
    }
    await close(inst);
    return samples;
  }

  async #readWhileWriting(): Promise<Sample[]> {
    return readWhileWriting({
      job: this.#job,
      data: this.#data,
      open: async () => {
        const inst = await this.#open();
        if (inst.async || inst.share === undefined) {
          throw new Error(`${this.#job.system.name} cannot share a table with worker threads`);
        }
        return inst as SyncInstance & Required<Pick<SyncInstance, 'share'>>;
      },
      gc: this.#gc,
    });
  }

  async #writers(): Promise<Sample[]> {
    return fillWithWriters({
      job: this.#job,
      data: this.#data,
      open: async () => {
        const inst = await this.#open();
        if (inst.async || inst.shareWritable === undefined) {
          throw new Error(`${this.#job.system.name} cannot take writes from worker threads`);
        }
        return inst as SyncInstance & Required<Pick<SyncInstance, 'shareWritable'>>;
      },
      gc: this.#gc,
    });
  }

  /**
   * flush: a filled, frozen table encoded whole into blocks by one encoder per run (reset
   * between runs, so a timed run allocates nothing in it). The warm-up run's blocks are
   * decoded and checked entry by entry; every run's entry and byte counts are checked.
   */
  async #flush(): Promise<ChildResult> {
    const { num: n, keySize, valueSize } = this.#job;
    const keys = this.#keys;
    const inst = await this.#open();
    const L = loopsFor(inst);
    required(inst.flush);
    await L.fill(inst, keys, null, n, this.#data.values, 0);
    await L.verify(inst, keys, n, this.#data.values, 0);
    if (!inst.async) inst.freeze?.();
    const encoder = new BlockEncoder();
    const rangeDeletes = new BlockEncoder({ restartInterval: 1 });
    const pass = () => inst.flush!(encoder, rangeDeletes);
    const check = (entries: number) => {
      if (entries !== n || encoder.entries !== n) {
        throw new Error(
          `flush: expected ${n} entries, got ${entries} (${encoder.entries} encoded)`,
        );
      }
      expect('bytes flushed', n * (keySize + valueSize))(encoder.bytes);
    };
    check(await pass());
    checkBlocks(encoder, n);
    const samples: Sample[] = [];
    for (let r = 0; r < this.#job.repeat; r++) {
      encoder.reset();
      rangeDeletes.reset();
      samples.push(await this.#timed(n, pass, check));
    }
    const remark = inst.async ? undefined : inst.flushRemark?.();
    await close(inst);
    return remark === undefined ? { samples } : { samples, remark };
  }

  /**
   * interleaved: per run a fresh table filled by fillrandom (untimed), then N/10 rounds of a
   * put of a new key and a 10-entry range from a random present key, or as many as fit in
   * `INTERLEAVED_BUDGET_MS`: the rate is over the rounds done.
   */
  async #interleaved(): Promise<Sample[]> {
    const n = this.#job.num;
    const keys = this.#keys;
    const values = this.#data.values;
    const fresh: KeyBytes = { bytes: this.#data.extraKeys, size: this.#data.keySize };
    const order = this.#data.seekOrder;
    const rounds = order.length;
    const entryBytes = this.#data.keySize + this.#data.valueSize;
    const progress = { rounds: 0 };
    const warm = await this.#open();
    const L = loopsFor(warm);
    required(warm.rangeFrom);
    const warmN = warmupCount(n);
    await L.fill(warm, keys, null, warmN, values, 0);
    const warmOrder = order.map((k) => k % warmN);
    const warmRounds = Math.ceil(warmN / 10);
    const warmBudget = INTERLEAVED_BUDGET_MS / 4;
    const limit = INTERLEAVED_LIMIT;
    await L.interleave(
      warm,
      fresh,
      keys,
      warmOrder,
      warmRounds,
      values,
      limit,
      warmBudget,
      progress,
    );
    await close(warm);
    const samples: Sample[] = [];
    for (let r = 0; r < this.#job.repeat; r++) {
      const inst = await this.#open();
      await L.fill(inst, keys, null, n, values, 0);
      collectGarbage();
      const t0 = performance.now();
      let sum = L.interleave(
        inst,
        fresh,
        keys,
        order,
        rounds,
        values,
        limit,
        INTERLEAVED_BUDGET_MS,
        progress,
      );
      if (typeof sum !== 'number') sum = await sum;
      const t1 = performance.now();
      // Each range starts at a present key, so it reads 1 to 10 entries.
      const done = progress.rounds;
      if (done < 1 || sum < done * entryBytes || sum > done * limit * entryBytes) {
        throw new Error(`interleaved: the ranges read ${sum} bytes in ${done} rounds`);
      }
      samples.push({ ops: done, ms: t1 - t0, gcMaxPauseMs: await this.#gc.longest(t0, t1) });
      await L.verify(inst, keys, n, values, 0);
      await close(inst);
    }
    return samples;
  }

  async #memory(): Promise<ChildResult> {
    const n = this.#job.num;
    const keys = this.#keys;
    const values = this.#data.values;
    // Warm up first, so that compiled code and the adapter's modules sit in the baseline.
    let inst: Instance | undefined = await this.#open();
    const L = loopsFor(inst);
    await L.fill(inst, keys, null, warmupCount(n), values, 0);
    await close(inst);
    inst = undefined;
    const tracker = new GrowableBufferTracker();
    await tracker.install();
    const bytesPerEntry: number[] = [];
    const tableBytesPerEntry: number[] = [];
    const uncountedBytesPerEntry: number[] = [];
    try {
      for (let r = 0; r < this.#job.repeat; r++) {
        await settle();
        tracker.reset();
        const before = heapAndExternal();
        inst = await this.#open();
        await L.fill(inst, keys, null, n, values, 0);
        await settle();
        const uncounted = tracker.uncountedBytes();
        const after = heapAndExternal();
        bytesPerEntry.push((after - before + uncounted) / n);
        uncountedBytesPerEntry.push(uncounted / n);
        const tableBytes = inst.tableBytes?.();
        if (tableBytes !== undefined) tableBytesPerEntry.push(tableBytes / n);
        await L.verify(inst, keys, n, values, 0);
        await close(inst);
        inst = undefined;
      }
    } finally {
      tracker.uninstall();
    }
    return { samples: [], bytesPerEntry, tableBytesPerEntry, uncountedBytesPerEntry };
  }
}

/** durable and recover: the system's `DurableSystem`, each database in a fresh directory. */
async function runDurableJob(job: Job): Promise<ChildResult> {
  const system = await (await durableAdapterFor(job.system)).durable(job.system);
  const data = new Dataset(job.num, job.keySize, job.valueSize, job.seed);
  const gc = new GcPauses();
  try {
    const options = { job, data, system, gc };
    if (job.workload === 'recover') return await runRecover(options);
    return { samples: await runDurable(options) };
  } finally {
    gc.close();
  }
}

/**
 * Decodes every block of a flush and checks it: `n` entries in internal order (key
 * ascending, then seq descending), every block but the last at least the block size.
 */
function checkBlocks(encoder: BlockEncoder, n: number): void {
  let count = 0;
  let prev: { key: Uint8Array; seq: number } | undefined;
  for (let b = 0; b < encoder.blockCount; b++) {
    const block = encoder.block(b);
    if (b < encoder.blockCount - 1 && block.length < encoder.blockSize) {
      throw new Error(`flush: block ${b} closed at ${block.length} bytes`);
    }
    for (const e of decodeBlock(block)) {
      if (prev !== undefined) {
        const c = compareBytes(prev.key, e.key);
        if (c > 0 || (c === 0 && prev.seq <= e.seq)) {
          throw new Error(`flush: entry ${count} is out of order`);
        }
      }
      prev = e;
      count++;
    }
  }
  if (count !== n) throw new Error(`flush: the blocks decode to ${count} entries, not ${n}`);
}

function loopsFor(inst: Instance): Loops {
  return inst.async ? ASYNC : SYNC;
}

async function close(inst: Instance): Promise<void> {
  await inst.close?.();
}

function ignore(): void {}

function required(method: unknown): void {
  if (method === undefined) throw new Error('the system does not support this workload');
}

function expect(what: string, want: number): (got: number) => void {
  return (got) => {
    if (got !== want) throw new Error(`${what}: expected ${want}, got ${got}`);
  };
}
