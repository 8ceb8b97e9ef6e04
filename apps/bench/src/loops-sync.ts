/**
 * The timed loops for synchronous systems. Each copies its key into one scratch buffer that it
 * reuses (the way a caller reuses its buffers) and allocates nothing else per op; everything
 * they read (orders, keys, values) was made before the clock started.
 * `loops-async.ts` is the same code with every system call awaited.
 */
import { bytesEqual } from './bytes.js';
import { VALUE_MASK } from './data.js';
import type { SyncInstance } from './systems/types.js';

/** Fixed-size keys laid end to end. */
export interface KeyBytes {
  readonly bytes: Uint8Array;
  readonly size: number;
}

/** Puts `n` keys, key `order[i]` (or `i` without an order) with value `(key + shift)`. */
export function fill(
  inst: SyncInstance,
  keys: KeyBytes,
  order: Uint32Array | null,
  n: number,
  values: readonly Uint8Array[],
  shift: number,
): number {
  const bytes = keys.bytes;
  const ks = keys.size;
  const key = new Uint8Array(ks);
  for (let i = 0; i < n; i++) {
    const k = order === null ? i : order[i];
    const o = k * ks;
    for (let j = 0; j < ks; j++) key[j] = bytes[o + j];
    inst.put(key, values[(k + shift) & VALUE_MASK]);
  }
  return n;
}

/**
 * Gets keys `order[0..n)`, or with `suffix` the absent keys made by appending that byte to
 * each; returns how many were found.
 */
export function read(
  inst: SyncInstance,
  keys: KeyBytes,
  order: Uint32Array,
  n: number,
  suffix?: number,
): number {
  const bytes = keys.bytes;
  const ks = keys.size;
  const key = new Uint8Array(suffix === undefined ? ks : ks + 1);
  if (suffix !== undefined) key[ks] = suffix;
  let found = 0;
  for (let i = 0; i < n; i++) {
    const o = order[i] * ks;
    for (let j = 0; j < ks; j++) key[j] = bytes[o + j];
    if (inst.get(key) !== undefined) found++;
  }
  return found;
}

/** `n` seeks to keys `order[i]`, each followed by `steps` steps; returns the bytes read. */
export function seek(
  inst: SyncInstance,
  keys: KeyBytes,
  order: Uint32Array,
  n: number,
  steps: number,
): number {
  const bytes = keys.bytes;
  const ks = keys.size;
  const key = new Uint8Array(ks);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const o = order[i] * ks;
    for (let j = 0; j < ks; j++) key[j] = bytes[o + j];
    sum += inst.seek!(key, steps);
  }
  return sum;
}

/** `n` prefix scans, prefix `order[i]`; returns the bytes read. */
export function prefix(
  inst: SyncInstance,
  prefixes: readonly Uint8Array[],
  uppers: readonly (Uint8Array | undefined)[],
  order: Uint32Array,
  n: number,
): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = order[i];
    sum += inst.prefix!(prefixes[p], uppers[p]);
  }
  return sum;
}

/**
 * Up to `n` rounds of interleaved: put new key `i` of `fresh`, then a `limit`-entry range
 * from key `order[i]` of `keys`; stops early once `budgetMs` have passed (looked at after
 * each of the first 64 rounds, then every 64), so that a system whose rounds cost O(N) ends
 * in bounded time. Sets
 * `progress.rounds` to the rounds done; returns the bytes the ranges read.
 */
export function interleave(
  inst: SyncInstance,
  fresh: KeyBytes,
  keys: KeyBytes,
  order: Uint32Array,
  n: number,
  values: readonly Uint8Array[],
  limit: number,
  budgetMs: number,
  progress: { rounds: number },
): number {
  const ks = keys.size;
  const deadline = performance.now() + budgetMs;
  const key = new Uint8Array(fresh.size);
  const from = new Uint8Array(ks);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const f = i * fresh.size;
    for (let j = 0; j < fresh.size; j++) key[j] = fresh.bytes[f + j];
    inst.put(key, values[i & VALUE_MASK]);
    const o = order[i] * ks;
    for (let j = 0; j < ks; j++) from[j] = keys.bytes[o + j];
    sum += inst.rangeFrom!(from, limit);
    if ((i < 64 || (i & 63) === 63) && performance.now() > deadline) {
      progress.rounds = i + 1;
      return sum;
    }
  }
  progress.rounds = n;
  return sum;
}

/** Checks, outside the clock, that `samples` keys read back what was last written. */
export function verify(
  inst: SyncInstance,
  keys: KeyBytes,
  n: number,
  values: readonly Uint8Array[],
  shift: number,
  samples = 64,
): void {
  const step = Math.max(1, Math.floor(n / samples));
  for (let k = 0; k < n; k += step) {
    const key = keys.bytes.slice(k * keys.size, (k + 1) * keys.size);
    const got = inst.get(key);
    const want = values[(k + shift) & VALUE_MASK];
    if (got === undefined || !bytesEqual(got, want)) {
      throw new Error(`key #${k} reads back ${got === undefined ? 'nothing' : 'a wrong value'}`);
    }
  }
}
