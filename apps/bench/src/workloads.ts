/** The workloads, named as in db_bench, and what each one needs from a system. */

export const WORKLOADS = [
  'fillseq',
  'fillrandom',
  'overwrite',
  'readrandom',
  'readmissing',
  'scan',
  'scancursor',
  'seekrandom',
  'prefixscan',
  'readwhilewriting',
  'flush',
  'interleaved',
  'durable',
  'recover',
  'memory',
] as const;

export type Workload = (typeof WORKLOADS)[number];

/** What a workload needs beyond put and get; a system without it shows "n/a". */
export type Capability =
  | 'scan'
  | 'scanCursor'
  | 'seek'
  | 'prefix'
  | 'share'
  /** `range({ gte, limit })` (interleaved). */
  | 'range'
  /** Several writer threads on one shared table (`fillrandom --writers W`). */
  | 'concurrentWrites'
  /** A database in a directory that survives a close (durable, recover). */
  | 'durable';

export interface WorkloadInfo {
  /** What is timed, for the reports. */
  readonly timed: string;
  /** What one op is. */
  readonly op: string;
  readonly needs?: Capability;
}

export const WORKLOAD_INFO: Record<Workload, WorkloadInfo> = {
  fillseq: { timed: 'N puts in ascending key order into an empty table', op: 'put' },
  fillrandom: { timed: 'N puts in random order into an empty table', op: 'put' },
  overwrite: { timed: 'after fillrandom, N more puts over existing keys', op: 'put' },
  readrandom: { timed: 'after fillrandom, N gets of present keys in random order', op: 'get' },
  readmissing: { timed: 'after fillrandom, N gets of absent keys', op: 'get' },
  scan: { timed: 'one full in-order pass through range()', op: 'entry', needs: 'scan' },
  scancursor: {
    timed: 'one full pass through cursor() reading key and value',
    op: 'entry',
    needs: 'scanCursor',
  },
  seekrandom: {
    timed: 'N/10 seeks to random keys, each followed by 10 steps',
    op: 'seek + 10 steps',
    needs: 'seek',
  },
  prefixscan: {
    timed: 'N/100 prefix scans; keys share 4-byte prefixes from a pool of N/100',
    op: 'prefix scan (~100 entries)',
    needs: 'prefix',
  },
  readwhilewriting: {
    timed: 'fillrandom by one writer while --readers threads readrandom the same table',
    op: 'put (writer), get (readers)',
    needs: 'share',
  },
  flush: {
    timed:
      'after fillrandom and freeze(): every entry encoded into LevelDB-style 4 KiB data blocks (shared prefixes, a restart every 16 entries) by one encoder',
    op: 'entry',
    needs: 'scan',
  },
  interleaved: {
    timed: 'after fillrandom, N/10 rounds of one put then range({ gte: random, limit: 10 })',
    op: 'put + 10-entry range',
    needs: 'range',
  },
  durable: {
    timed:
      'puts into a database in a fresh directory, awaited one at a time, in batches of 1 and 100, sync false (N puts) and true (N/100 puts)',
    op: 'put',
    needs: 'durable',
  },
  recover: {
    timed:
      'open of a database holding N entries written one put at a time with sync: false, until ready',
    op: 'entry recovered',
    needs: 'durable',
  },
  memory: {
    timed: 'after fillrandom and a forced GC: growth of heapUsed + external per entry',
    op: 'bytes/entry',
  },
};

/**
 * `pnpm bench` with no flags, at a smaller N: every in-memory workload. durable and recover
 * (minutes of disk writes and fsyncs on a shared machine) run when named or with `--full`.
 */
export const DEFAULT_WORKLOADS: readonly Workload[] = WORKLOADS.filter(
  (w) => w !== 'durable' && w !== 'recover',
);

/** The workloads of a database on disk; a durable-only system runs nothing else. */
export const DURABLE_WORKLOADS: readonly Workload[] = ['durable', 'recover'];

/** The durable workload's four runs: puts per batch, and whether each write syncs. */
export const DURABLE_VARIANTS: readonly { readonly batch: number; readonly sync: boolean }[] = [
  { batch: 1, sync: false },
  { batch: 100, sync: false },
  { batch: 1, sync: true },
  { batch: 100, sync: true },
];

/** Puts in a durable run: N, or N/100 with `sync: true` (at least one batch). */
export function durablePuts(num: number, batch: number, sync: boolean): number {
  const puts = sync ? Math.floor(num / 100) : num;
  return Math.max(batch, Math.floor(puts / batch) * batch);
}

/** `--scale` runs these at each of `SCALE_NUMS`. */
export const SCALE_WORKLOADS: readonly Workload[] = ['fillrandom', 'readrandom', 'scan'];
export const SCALE_NUMS: readonly number[] = [10_000, 100_000, 1_000_000];

export function isWorkload(name: string): name is Workload {
  return (WORKLOADS as readonly string[]).includes(name);
}

/** How many ops one timed pass of `workload` does over `num` entries. */
export function opsPerPass(workload: Workload, num: number): number {
  switch (workload) {
    case 'seekrandom':
    case 'interleaved':
      return Math.max(1, Math.floor(num / 10));
    case 'prefixscan':
      return Math.max(1, Math.floor(num / 100));
    case 'memory':
      return 0;
    default:
      return num;
  }
}

/**
 * Puts in the warm-up fill of the write workloads (on a table then thrown away): a tenth of
 * the run, at least 10,000 (all of it at small N), enough for V8 to optimise the hot paths.
 * The read workloads warm up with one whole untimed pass.
 */
export function warmupCount(n: number): number {
  return Math.min(n, Math.max(10_000, Math.ceil(n / 10)));
}
