import type { SystemKind, SystemSpec } from './systems/types.js';
import type { Workload } from './workloads.js';

/** One (system, workload) to run in a child process. Plain data: it crosses the IPC channel. */
export interface Job {
  readonly system: SystemSpec;
  readonly workload: Workload;
  readonly num: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly seed: number;
  readonly repeat: number;
  readonly readers: number;
  /** fillrandom by this many writer threads on one shared table (set only on that job). */
  readonly writers?: number;
  /** durable: puts per batch and whether each write syncs (set only on durable jobs). */
  readonly durable?: { readonly batch: number; readonly sync: boolean };
}

/**
 * The variant of a workload a job runs, as the reports label its column: `2 writers`,
 * `batch 100, sync`; undefined for the plain workload.
 */
export function variantOf(job: Pick<Job, 'writers' | 'durable'>): string | undefined {
  if (job.writers !== undefined) return `${job.writers} writers`;
  if (job.durable !== undefined) {
    return `batch ${job.durable.batch}${job.durable.sync ? ', sync' : ''}`;
  }
  return undefined;
}

/** One timed run. */
export interface Sample {
  readonly ops: number;
  readonly ms: number;
  /** Longest GC pause that began inside the timed part (the writer's, in readwhilewriting). */
  readonly gcMaxPauseMs: number;
  /** readwhilewriting: gets done by all reader threads, and their summed rate. */
  readonly readerOps?: number;
  readonly readerOpsPerSec?: number;
  /** fillrandom --writers: the same fill by one writer thread through the same harness. */
  readonly oneWriterMs?: number;
}

/** What a child reports for its job: the raw runs, aggregated by the parent. */
export interface ChildResult {
  readonly samples: readonly Sample[];
  /** memory: per run, growth of heapUsed + external (+ uncounted growable buffers) per entry. */
  readonly bytesPerEntry?: readonly number[];
  /** memory, backends: per run, the table's `memoryUsage` per entry. */
  readonly tableBytesPerEntry?: readonly number[];
  /** memory: per run, the part of `bytesPerEntry` added for growable buffers V8 leaves out. */
  readonly uncountedBytesPerEntry?: readonly number[];
  /** recover: bytes of every file in the location the open reads (the same for every run). */
  readonly logBytes?: number;
  /** recover: how long writing the database took (one put at a time, sync: false). */
  readonly fillMs?: number;
  /** How this row was measured, when it is not the usual way (a fallback, say). */
  readonly remark?: string;
}

/** A row of results.json. Null numbers mean "does not apply"; `note` says why a row is n/a. */
export interface ResultRow {
  system: string;
  kind: SystemKind;
  workload: Workload;
  num: number;
  keySize: number;
  valueSize: number;
  opsPerSec: number | null;
  nsPerOp: number | null;
  bytesPerEntry: number | null;
  /** (max - min) / median over the repeats, of ops/s (or of bytes/entry for memory). */
  spread: number | null;
  repeats: number;
  gcMaxPauseMs: number | null;
  tableBytesPerEntry?: number;
  /** memory: the part of `bytesPerEntry` that growable buffers add beyond `external`. */
  uncountedBytesPerEntry?: number;
  readers?: number;
  readerOpsPerSec?: number;
  /** The workload's variant (`2 writers`, `batch 100, sync`); absent for the plain one. */
  variant?: string;
  /** fillrandom --writers: threads, one writer thread's rate, and W threads over one. */
  writers?: number;
  oneWriterOpsPerSec?: number;
  writerRatio?: number;
  /** durable: puts per batch and whether writes sync. */
  batch?: number;
  sync?: boolean;
  /** recover: median seconds from open() to ready, and bytes in the location read per second. */
  readySeconds?: number;
  replayMBPerSec?: number;
  /** recover: bytes of every file in the location (logs and checkpoints, LevelDB's tables). */
  logBytes?: number;
  /** recover: seconds that writing the N entries took (one put at a time, sync: false). */
  fillSeconds?: number;
  /** How this row was measured, when it is not the usual way (a fallback, say). */
  remark?: string;
  /** Why the row is n/a. */
  note?: string;
  /** Why the row failed. */
  error?: string;
}

export interface ReportHeader {
  tool: string;
  date: string;
  node: string;
  v8: string;
  platform: string;
  arch: string;
  cpu: string;
  cpus: number;
  totalMemoryBytes: number;
  /** The command line as typed, or as close as the process can tell. */
  command: string;
  options: {
    num: number;
    keySize: number;
    valueSize: number;
    seed: number;
    repeat: number;
    readers: number;
    writers?: number;
    scale: boolean;
    workloads: readonly Workload[];
    systems: readonly string[];
  };
  /** The system ratios are taken against. */
  baseline: string;
  /** Systems skipped and why, and other things a reader should know. */
  notes: string[];
  wallTimeMs?: number;
}

export interface BenchReport {
  header: ReportHeader;
  rows: ResultRow[];
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** (max - min) / median: 0 for a single value. */
export function spread(xs: readonly number[]): number {
  const m = median(xs);
  if (m === 0) return 0;
  return (Math.max(...xs) - Math.min(...xs)) / m;
}

type RowKey = Pick<ResultRow, 'workload' | 'num' | 'keySize' | 'valueSize'> &
  Pick<Job, 'writers' | 'durable'>;

function blankRow(spec: SystemSpec, key: RowKey): ResultRow {
  const variant = variantOf(key);
  const extra: Partial<ResultRow> = {};
  if (variant !== undefined) extra.variant = variant;
  if (key.writers !== undefined) extra.writers = key.writers;
  if (key.durable !== undefined) {
    extra.batch = key.durable.batch;
    extra.sync = key.durable.sync;
  }
  return {
    system: spec.name,
    kind: spec.kind,
    workload: key.workload,
    num: key.num,
    keySize: key.keySize,
    valueSize: key.valueSize,
    opsPerSec: null,
    nsPerOp: null,
    bytesPerEntry: null,
    spread: null,
    repeats: 0,
    gcMaxPauseMs: null,
    ...extra,
  };
}

/** A row for a workload the system cannot do. */
export function naRow(spec: SystemSpec, key: RowKey, note: string): ResultRow {
  return { ...blankRow(spec, key), note };
}

/** A row for a job that failed. */
export function errorRow(spec: SystemSpec, key: RowKey, error: string): ResultRow {
  return { ...blankRow(spec, key), error };
}

/** Aggregates a child's runs: medians, spread, the longest GC pause of any run. */
export function aggregate(job: Job, result: ChildResult): ResultRow {
  const row = blankRow(job.system, job);
  if (job.workload === 'memory') {
    const bytes = result.bytesPerEntry ?? [];
    if (bytes.length === 0) throw new Error('the memory workload reported no runs');
    row.bytesPerEntry = median(bytes);
    row.spread = spread(bytes);
    row.repeats = bytes.length;
    if (result.tableBytesPerEntry?.length) {
      row.tableBytesPerEntry = median(result.tableBytesPerEntry);
    }
    if (result.uncountedBytesPerEntry?.length) {
      const uncounted = median(result.uncountedBytesPerEntry);
      if (uncounted > 0) row.uncountedBytesPerEntry = uncounted;
    }
    return row;
  }
  const samples = result.samples;
  if (samples.length === 0) throw new Error(`${job.workload} reported no runs`);
  const rates = samples.map((s) => (s.ops * 1000) / s.ms);
  row.opsPerSec = median(rates);
  row.nsPerOp = 1e9 / row.opsPerSec;
  row.spread = spread(rates);
  row.repeats = samples.length;
  row.gcMaxPauseMs = Math.max(...samples.map((s) => s.gcMaxPauseMs));
  if (job.workload === 'readwhilewriting') {
    row.readers = job.readers;
    row.readerOpsPerSec = median(samples.map((s) => s.readerOpsPerSec ?? 0));
  }
  if (job.writers !== undefined) {
    const one = samples.map((s) => {
      if (s.oneWriterMs === undefined)
        throw new Error('a --writers run without its one-writer run');
      return (s.ops * 1000) / s.oneWriterMs;
    });
    row.oneWriterOpsPerSec = median(one);
    row.writerRatio = row.opsPerSec / row.oneWriterOpsPerSec;
  }
  if (job.workload === 'recover') {
    const seconds = median(samples.map((s) => s.ms)) / 1000;
    row.readySeconds = seconds;
    if (result.logBytes !== undefined) {
      row.logBytes = result.logBytes;
      row.replayMBPerSec = result.logBytes / 2 ** 20 / seconds;
    }
    if (result.fillMs !== undefined) row.fillSeconds = result.fillMs / 1000;
  }
  if (result.remark !== undefined) row.remark = result.remark;
  return row;
}
