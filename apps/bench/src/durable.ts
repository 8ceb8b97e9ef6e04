/**
 * The durable and recover workloads, written against `DurableSystem` only (open a location,
 * put or batch with `sync`, close, open again), so that any database in a directory plugs in:
 * classic-level today, `@memrep/level` with a location once its manifest says `permanence`.
 * Every database lives in a fresh temporary directory that is removed afterwards.
 */
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesEqual } from './bytes.js';
import type { Dataset } from './data.js';
import { VALUE_MASK } from './data.js';
import { collectGarbage, type GcPauses } from './gc.js';
import type { KeyBytes } from './loops-sync.js';
import type { ChildResult, Job, Sample } from './results.js';
import type { DurableDatabase, DurableSystem } from './systems/types.js';
import { durablePuts, warmupCount } from './workloads.js';

const CREATE = { createIfMissing: true, errorIfExists: true } as const;
const REOPEN = { createIfMissing: false, errorIfExists: false } as const;

/**
 * Writes keys `0..n)` (value of key `i`: `values[i & VALUE_MASK]`) in batches of `batch`,
 * each awaited before the next; returns `n`. Keys are copied into reused buffers, one per
 * place in a batch, as a caller reusing its buffers would.
 */
export async function writeDurable(
  db: DurableDatabase,
  keys: KeyBytes,
  n: number,
  values: readonly Uint8Array[],
  batch: number,
  sync: boolean,
): Promise<number> {
  const ks = keys.size;
  const bytes = keys.bytes;
  const options = { sync };
  const buffers: Uint8Array[] = [];
  for (let j = 0; j < batch; j++) buffers.push(new Uint8Array(ks));
  if (batch === 1) {
    const key = buffers[0];
    for (let i = 0; i < n; i++) {
      const o = i * ks;
      for (let j = 0; j < ks; j++) key[j] = bytes[o + j];
      await db.put(key, values[i & VALUE_MASK], options);
    }
    return n;
  }
  const vals: Uint8Array[] = new Array(batch);
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i);
    if (m < batch) {
      buffers.length = m;
      vals.length = m;
    }
    for (let b = 0; b < m; b++) {
      const key = buffers[b];
      const o = (i + b) * ks;
      for (let j = 0; j < ks; j++) key[j] = bytes[o + j];
      vals[b] = values[(i + b) & VALUE_MASK];
    }
    await db.batch(buffers, vals, options);
  }
  return n;
}

/** Checks, outside the clock, that sampled keys of `0..n)` read back what was written. */
async function verifyDurable(
  db: DurableDatabase,
  keys: KeyBytes,
  n: number,
  values: readonly Uint8Array[],
  samples = 32,
): Promise<void> {
  const step = Math.max(1, Math.floor(n / samples));
  for (let k = 0; k < n; k += step) {
    const got = await db.get(keys.bytes.slice(k * keys.size, (k + 1) * keys.size));
    if (got === undefined || !bytesEqual(got, values[k & VALUE_MASK])) {
      throw new Error(`key #${k} reads back ${got === undefined ? 'nothing' : 'a wrong value'}`);
    }
  }
}

/**
 * Bytes of every file in the database's directory and its subdirectories (logs, checkpoints,
 * LevelDB's tables and manifest alike): what an open has to read, whatever layout the system
 * keeps on disk.
 */
export async function bytesInLocation(dir: string): Promise<number> {
  let sum = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sum += await bytesInLocation(path);
    else if (entry.isFile()) sum += (await stat(path)).size;
  }
  return sum;
}

export interface DurableRunOptions {
  readonly job: Job;
  readonly data: Dataset;
  readonly system: DurableSystem;
  readonly gc: GcPauses;
}

async function withTempDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'memrep-bench-durable-'));
  try {
    return await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * durable: per run a new database in a fresh directory, then the timed puts (N, or N/100
 * with `sync: true`) in batches of `job.durable.batch`, each awaited.
 */
export async function runDurable(options: DurableRunOptions): Promise<Sample[]> {
  const { job, data, system, gc } = options;
  if (job.durable === undefined) throw new Error('a durable job needs its batch and sync');
  const { batch, sync } = job.durable;
  const keys: KeyBytes = { bytes: data.keys, size: data.keySize };
  const values = data.values;
  const puts = durablePuts(job.num, batch, sync);
  return withTempDir(async (base) => {
    const warm = await system.open(join(base, 'warm'), CREATE);
    await writeDurable(warm, keys, Math.min(puts, warmupCount(puts)), values, batch, sync);
    await warm.close();
    const samples: Sample[] = [];
    for (let r = 0; r < job.repeat; r++) {
      const location = join(base, `run-${r}`);
      const db = await system.open(location, CREATE);
      collectGarbage();
      const t0 = performance.now();
      await writeDurable(db, keys, puts, values, batch, sync);
      const t1 = performance.now();
      await verifyDurable(db, keys, puts, values);
      await db.close();
      await rm(location, { recursive: true, force: true });
      samples.push({ ops: puts, ms: t1 - t0, gcMaxPauseMs: await gc.longest(t0, t1) });
    }
    return samples;
  });
}

/**
 * recover: a database of N entries written one put at a time with `sync: false` and closed;
 * each run opens a fresh copy of its directory (so that every open replays the same log)
 * and is timed until the database is ready.
 */
export async function runRecover(options: DurableRunOptions): Promise<ChildResult> {
  const { job, data, system, gc } = options;
  const keys: KeyBytes = { bytes: data.keys, size: data.keySize };
  const values = data.values;
  const n = job.num;
  return withTempDir(async (base) => {
    const warm = join(base, 'warm');
    let db = await system.open(warm, CREATE);
    await writeDurable(db, keys, warmupCount(n), values, 1, false);
    await db.close();
    db = await system.open(warm, REOPEN);
    await db.close();
    const source = join(base, 'db');
    db = await system.open(source, CREATE);
    const f0 = performance.now();
    await writeDurable(db, keys, n, values, 1, false);
    const fillMs = performance.now() - f0;
    await db.close();
    const replayed = await bytesInLocation(source);
    const samples: Sample[] = [];
    for (let r = 0; r < job.repeat; r++) {
      const location = join(base, `open-${r}`);
      await cp(source, location, { recursive: true });
      collectGarbage();
      const t0 = performance.now();
      const opened = await system.open(location, REOPEN);
      const t1 = performance.now();
      await verifyDurable(opened, keys, n, values);
      await opened.close();
      await rm(location, { recursive: true, force: true });
      samples.push({ ops: n, ms: t1 - t0, gcMaxPauseMs: await gc.longest(t0, t1) });
    }
    return { samples, logBytes: replayed, fillMs };
  });
}
