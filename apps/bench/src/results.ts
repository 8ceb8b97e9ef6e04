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

type RowKey = Pick<ResultRow, 'workload' | 'num' | 'keySize' | 'valueSize'>;

function blankRow(spec: SystemSpec, key: RowKey): ResultRow {
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
  return row;
}
