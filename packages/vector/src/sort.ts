/**
 * Ordering arrays of entry offsets: the sort, the merge and the binary searches the vector
 * backend is built from. Everything here works on `Int32Array`s of arena offsets and reads
 * keys and seqs where they lie in the arena; nothing allocates per compare.
 *
 * Invariants the callers rely on:
 * 1. Every entry was written by `writeEntry` (core's entry layout).
 * 2. No two entries hold the same (key, seq), so internal order is a strict total order.
 * 3. Arena offsets are multiples of 8, so an offset's low 3 bits are free to carry a tag.
 */

import { compareEntries, entryKeyLength, entryKeyOffset, entrySeq } from '@memrep/core/backend';
import { narrow, narrowHi, narrowLo } from './fence.js';

/** Ranges this short are insertion-sorted with full compares instead of radix-sorted. */
const INSERTION_LIMIT = 24;

/** The tag of an entry whose key goes on past the current 4-byte digit. */
const CONTINUES = 5;

/** Index of the entry at `off` in `run`, which holds it. */
export function indexOfEntry(
  bytes: Uint8Array,
  i32: Int32Array,
  f64: Float64Array,
  run: Int32Array,
  off: number,
): number {
  let lo = 0;
  let hi = run.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntries(bytes, i32, f64, run[mid], off, 0) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A new array holding `run` and `add` (both sorted) in internal order. Neither input changes:
 * cursors holding `run` keep walking it. Each entry of `add` finds its place in `run` from the
 * previous one's, through `fence` when `run` has one (cached words narrow it to one stride),
 * else by galloping; the stretch of `run` between two places is block-copied, so merging a
 * few entries into a long run costs a memcpy, not a compare per entry.
 */
export function mergeRuns(
  bytes: Uint8Array,
  i32: Int32Array,
  f64: Float64Array,
  run: Int32Array,
  add: Int32Array,
  fence: Int32Array | null,
  fenceDepth: number,
): Int32Array {
  const n = run.length;
  const m = add.length;
  const out = new Int32Array(n + m);
  let i = 0;
  let k = 0;
  for (let j = 0; j < m; j++) {
    const t = add[j];
    let lo = i;
    let hi: number;
    if (fence !== null) {
      narrow(
        bytes,
        i32,
        run,
        fence,
        fenceDepth,
        bytes,
        entryKeyOffset(i32, t),
        entryKeyLength(i32, t),
      );
      if (narrowLo > lo) lo = narrowLo;
      hi = narrowHi;
    } else {
      // Gallop: probe i, i+1, i+3, i+7, ... until an entry sorts after t.
      let step = 1;
      let probe = i;
      while (probe < n && compareEntries(bytes, i32, f64, run[probe], t, 0) < 0) {
        lo = probe + 1;
        probe = i + step;
        step = step * 2 + 1;
      }
      hi = probe < n ? probe : n;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(bytes, i32, f64, run[mid], t, 0) < 0) lo = mid + 1;
      else hi = mid;
    }
    const gap = lo - i;
    if (gap > 16) out.set(run.subarray(i, lo), k);
    else for (let g = 0; g < gap; g++) out[k + g] = run[i + g];
    k += gap;
    i = lo;
    out[k++] = t;
  }
  if (i < n) out.set(run.subarray(i), k);
  return out;
}

/**
 * Sorts `offs` in place into internal order.
 *
 * An MSD radix sort on 4-byte key digits whose inner sort is an LSD radix sort: each level
 * reads one 4-byte digit per entry (padded with zeros past the key's end) and a tag saying
 * whether the key ends inside the digit (its length there, 0..4) or continues past it (5),
 * kept in the offset's free low bits; byte passes whose histogram has one bucket are skipped.
 * Entries that tie on (digit, tag) are resolved after: continuing keys by the next digit, keys
 * that ended (all equal) by seq, descending. Short ranges fall back to insertion sort.
 * Why the tag orders correctly: two keys with equal padded digits whose first one ends inside
 * it are prefix-related (the other's extra bytes in the digit are zeros), so it sorts first.
 * A work stack instead of recursion keeps long shared prefixes off the call stack.
 */
export function sortEntries(
  bytes: Uint8Array,
  i32: Int32Array,
  f64: Float64Array,
  offs: Int32Array,
): void {
  const n = offs.length;
  if (n < 2) return;
  // Keys written in order (a sequential load, time-ordered keys) need no sort: one pass over
  // neighbours in the arena says so, and random input leaves it at the first inversion.
  let sorted = 1;
  while (sorted < n && compareEntries(bytes, i32, f64, offs[sorted - 1], offs[sorted], 0) < 0) {
    sorted++;
  }
  if (sorted === n) return;
  if (n <= INSERTION_LIMIT) {
    insertionSort(bytes, i32, f64, offs, 0, n, 0);
    return;
  }
  const alt = new Int32Array(n);
  const dig = new Int32Array(n);
  const dig2 = new Int32Array(n);
  const counts = new Int32Array(5 * 256);
  const work: number[] = [0, n, 0];
  while (work.length > 0) {
    const depth = work.pop() as number;
    const to = work.pop() as number;
    const from = work.pop() as number;
    if (to - from <= INSERTION_LIMIT) {
      insertionSort(bytes, i32, f64, offs, from, to, depth);
      continue;
    }
    radixLevel(bytes, i32, offs, alt, dig, dig2, counts, from, to, depth);
    let i = from;
    while (i < to) {
      const d = dig[i];
      const tag = offs[i] & 7;
      let j = i + 1;
      while (j < to && dig[j] === d && (offs[j] & 7) === tag) j++;
      for (let q = i; q < j; q++) offs[q] &= ~7;
      if (j - i > 1) {
        if (tag === CONTINUES) work.push(i, j, depth + 4);
        else sameKeyBySeq(bytes, i32, f64, offs, alt, i, j, depth);
      }
      i = j;
    }
  }
}

/** One MSD level over [from, to): tags offsets, fills `dig`, LSD-sorts by (digit, tag). */
function radixLevel(
  bytes: Uint8Array,
  i32: Int32Array,
  offs: Int32Array,
  alt: Int32Array,
  dig: Int32Array,
  dig2: Int32Array,
  counts: Int32Array,
  from: number,
  to: number,
  depth: number,
): void {
  counts.fill(0);
  for (let i = from; i < to; i++) {
    const off = offs[i];
    const rest = entryKeyLength(i32, off) - depth;
    const k = entryKeyOffset(i32, off) + depth;
    let d: number;
    let tag: number;
    if (rest > 4) {
      d = (bytes[k] << 24) | (bytes[k + 1] << 16) | (bytes[k + 2] << 8) | bytes[k + 3];
      tag = CONTINUES;
    } else {
      d = 0;
      for (let q = 0; q < rest; q++) d |= bytes[k + q] << (24 - 8 * q);
      tag = rest;
    }
    offs[i] = off | tag;
    dig[i] = d;
    counts[tag]++;
    counts[256 + (d & 255)]++;
    counts[512 + ((d >>> 8) & 255)]++;
    counts[768 + ((d >>> 16) & 255)]++;
    counts[1024 + (d >>> 24)]++;
  }
  const size = to - from;
  let srcOff = offs;
  let srcDig = dig;
  let dstOff = alt;
  let dstDig = dig2;
  for (let pass = 0; pass < 5; pass++) {
    const base = pass << 8;
    let single = false;
    for (let b = 0; b < 256; b++) {
      const c = counts[base + b];
      if (c !== 0) {
        single = c === size;
        break;
      }
    }
    if (single) continue;
    let sum = from;
    for (let b = 0; b < 256; b++) {
      const c = counts[base + b];
      counts[base + b] = sum;
      sum += c;
    }
    if (pass === 0) {
      for (let i = from; i < to; i++) {
        const off = srcOff[i];
        const p = counts[off & 7]++;
        dstOff[p] = off;
        dstDig[p] = srcDig[i];
      }
    } else {
      const shift = (pass - 1) << 3;
      for (let i = from; i < to; i++) {
        const d = srcDig[i];
        const p = counts[base + ((d >>> shift) & 255)]++;
        dstOff[p] = srcOff[i];
        dstDig[p] = d;
      }
    }
    const o = srcOff;
    srcOff = dstOff;
    dstOff = o;
    const g = srcDig;
    srcDig = dstDig;
    dstDig = g;
  }
  if (srcOff !== offs) {
    offs.set(srcOff.subarray(from, to), from);
    dig.set(srcDig.subarray(from, to), from);
  }
}

function insertionSort(
  bytes: Uint8Array,
  i32: Int32Array,
  f64: Float64Array,
  offs: Int32Array,
  from: number,
  to: number,
  depth: number,
): void {
  for (let i = from + 1; i < to; i++) {
    const x = offs[i];
    let j = i - 1;
    while (j >= from && compareEntries(bytes, i32, f64, offs[j], x, depth) > 0) {
      offs[j + 1] = offs[j];
      j--;
    }
    offs[j + 1] = x;
  }
}

/**
 * Versions of one key, [from, to), into seq-descending order. They usually arrive in ascending
 * seq (one writer, seqs assigned in order), so that case is a reversal; otherwise a bottom-up
 * merge sort through `alt`.
 */
function sameKeyBySeq(
  bytes: Uint8Array,
  i32: Int32Array,
  f64: Float64Array,
  offs: Int32Array,
  alt: Int32Array,
  from: number,
  to: number,
  depth: number,
): void {
  let ascending = true;
  let descending = true;
  for (let i = from + 1; i < to && (ascending || descending); i++) {
    const a = entrySeq(f64, offs[i - 1]);
    const b = entrySeq(f64, offs[i]);
    if (a > b) ascending = false;
    else descending = false;
  }
  if (descending) return;
  if (ascending) {
    offs.subarray(from, to).reverse();
    return;
  }
  for (let i = from; i < to; i += INSERTION_LIMIT) {
    insertionSort(bytes, i32, f64, offs, i, Math.min(i + INSERTION_LIMIT, to), depth);
  }
  let src = offs;
  let dst = alt;
  for (let width = INSERTION_LIMIT; width < to - from; width *= 2) {
    for (let lo = from; lo < to; lo += 2 * width) {
      const mid = Math.min(lo + width, to);
      const hi = Math.min(lo + 2 * width, to);
      let a = lo;
      let b = mid;
      let k = lo;
      while (a < mid && b < hi) {
        dst[k++] =
          compareEntries(bytes, i32, f64, src[a], src[b], depth) <= 0 ? src[a++] : src[b++];
      }
      while (a < mid) dst[k++] = src[a++];
      while (b < hi) dst[k++] = src[b++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== offs) offs.set(src.subarray(from, to), from);
}
