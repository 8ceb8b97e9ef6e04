/**
 * Runs one job inside a child process: makes the data, opens the system, warms up, then does
 * `repeat` timed runs. Everything but the timed loop itself (data, table setup, fills that a
 * read workload starts from, checks, GCs) happens outside the clock.
 */
import { Dataset, MISSING_SUFFIX, PREFIX_LENGTH, SEEK_STEPS } from './data.js';
import { collectGarbage, GcPauses } from './gc.js';
import * as asyncLoops from './loops-async.js';
import type { KeyBytes } from './loops-sync.js';
import * as syncLoops from './loops-sync.js';
import { GrowableBufferTracker, heapAndExternal, settle } from './memory.js';
import type { ChildResult, Job, Sample } from './results.js';
import { readWhileWriting } from './rww.js';
import { adapterFor } from './systems/index.js';
import type { Instance, OpenOptions, SyncInstance, SystemAdapter } from './systems/types.js';
import { warmupCount } from './workloads.js';

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
      case 'fillseq':
      case 'fillrandom':
        return { samples: await this.#fill(w === 'fillseq' ? this.#data.sortedOrder : null) };
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
      case 'memory':
        return this.#memory();
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
