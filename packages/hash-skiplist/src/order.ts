import {
  type Arena,
  compareEntries,
  ENTRY_HEADER_SIZE,
  entryKeyLength,
  entryKeyOffset,
  entryPrefix32,
  entrySeq,
  type RawCursor,
  searchEntries,
} from '@memrep/core/backend';
import { NEXT0_WORD } from '@memrep/skiplist';
import { type BucketSource, isStale, markSeen, type Staleness } from './merge.js';

/**
 * Every entry's offset in internal order, built on the first total-order read after a write
 * and kept until the next one: with many small buckets a heap merge is a sort in disguise that
 * pays a log-depth sift per step, while one real sort pays once for any number of scans and
 * seeks.
 *
 * Building: walk the buckets gathering (offset, keyPrefix32) pairs, each bucket in its own
 * order; a stable LSD radix sort on the prefixes (two 16-bit passes); then each run of equal
 * prefixes, which holds the already-sorted runs of one or more buckets, is merge-sorted by
 * the full key and the seq. Time O(n) plus the ties; memory 16 bytes an entry while building,
 * 4 kept.
 */
export interface SortedOrder {
  readonly offsets: Int32Array;
  readonly length: number;
  /** The table's `count` when the gather started: the index holds at least those entries. */
  readonly count: number;
}

export function buildSortedOrder(source: BucketSource): SortedOrder {
  const count = source.count;
  const arena = source.arena;
  const concurrent = source.concurrent;
  if (concurrent) arena.refresh();
  // Breadth first: every bucket's first node, then every second node, and so on. Each pass is
  // a loop of independent loads whose misses overlap; a bucket at a time would chain them.
  // Entries of one bucket still come out in that bucket's order.
  const heads = source.heads();
  const frontier = heads.offsets.slice(0, heads.length);
  let width = heads.length;
  let capacity = count + 16;
  let offsets = new Int32Array(capacity);
  let keys = new Uint32Array(capacity);
  let n = 0;
  while (width > 0) {
    let next = 0;
    for (let i = 0; i < width; i++) {
      const w = (frontier[i] >> 2) + NEXT0_WORD;
      const node = concurrent ? Atomics.load(arena.i32, w) : arena.i32[w];
      if (node === 0) continue;
      if (concurrent && !covers(arena, node)) arena.refresh();
      frontier[next++] = node;
    }
    width = next;
    if (n + width > capacity) {
      capacity = Math.max(capacity * 2, n + width);
      offsets = grown(offsets, capacity);
      const k = new Uint32Array(capacity);
      k.set(keys);
      keys = k;
    }
    for (let i = 0; i < width; i++) {
      const node = frontier[i];
      offsets[n] = node;
      keys[n] = nodePrefix(arena, node);
      n++;
    }
  }
  const tmpOffsets = new Int32Array(n);
  const tmpKeys = new Uint32Array(n);
  radixPass(keys, offsets, tmpKeys, tmpOffsets, n, 0);
  radixPass(tmpKeys, tmpOffsets, keys, offsets, n, 16);
  for (let i = 0; i < n; ) {
    const k = keys[i];
    let j = i + 1;
    while (j < n && keys[j] === k) j++;
    if (j - i > 1) sortRun(arena, offsets, tmpOffsets, i, j);
    i = j;
  }
  return { offsets: n === capacity ? offsets : offsets.slice(0, n), length: n, count };
}

/** Whether the arena's views reach past the key of the entry at `node`. */
function covers(arena: Arena, node: number): boolean {
  const length = arena.bytes.length;
  if (node + ENTRY_HEADER_SIZE > length) return false;
  const i32 = arena.i32;
  return entryKeyOffset(i32, node) + entryKeyLength(i32, node) <= length;
}

function grown(array: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(capacity);
  bigger.set(array.subarray(0, Math.min(array.length, capacity)));
  return bigger;
}

/** `keyPrefix32` of the key of the entry at `node` as an unsigned integer (radix digits). */
function nodePrefix(arena: Arena, node: number): number {
  return (entryPrefix32(arena.i32, arena.bytes, node) ^ 0x80000000) >>> 0;
}

const histogram = new Int32Array(65536);

/** One stable counting-sort pass on 16 bits of the keys, from (keys, offs) into (toK, toO). */
function radixPass(
  keys: Uint32Array,
  offs: Int32Array,
  toK: Uint32Array,
  toO: Int32Array,
  n: number,
  shift: number,
): void {
  const h = histogram;
  h.fill(0);
  for (let i = 0; i < n; i++) h[(keys[i] >>> shift) & 0xffff]++;
  let sum = 0;
  for (let d = 0; d < 65536; d++) {
    const c = h[d];
    h[d] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    const at = h[(k >>> shift) & 0xffff]++;
    toK[at] = k;
    toO[at] = offs[i];
  }
}

/** Stable merge sort of offs[from, to) by `compareEntries`; `tmp` is scratch of the same size. */
function sortRun(arena: Arena, offs: Int32Array, tmp: Int32Array, from: number, to: number): void {
  const bytes = arena.bytes;
  const i32 = arena.i32;
  const f64 = arena.f64;
  if (to - from <= 12) {
    for (let i = from + 1; i < to; i++) {
      const x = offs[i];
      let j = i - 1;
      while (j >= from && compareEntries(bytes, i32, f64, offs[j], x, 0) > 0) {
        offs[j + 1] = offs[j];
        j--;
      }
      offs[j + 1] = x;
    }
    return;
  }
  const mid = (from + to) >>> 1;
  sortRun(arena, offs, tmp, from, mid);
  sortRun(arena, offs, tmp, mid, to);
  // Runs that came from one bucket are already in order: nothing to merge.
  if (compareEntries(bytes, i32, f64, offs[mid - 1], offs[mid], 0) <= 0) return;
  tmp.set(offs.subarray(from, mid), from);
  let i = from;
  let j = mid;
  let k = from;
  while (i < mid && j < to) {
    offs[k++] = compareEntries(bytes, i32, f64, tmp[i], offs[j], 0) <= 0 ? tmp[i++] : offs[j++];
  }
  while (i < mid) offs[k++] = tmp[i++];
}

/** Entries ahead of the cursor whose headers a step touches, so their misses overlap. */
const RUN_AHEAD = 8;

/** What an `IndexCursor` asks its table for: the current sorted order. */
export interface OrderSource extends BucketSource {
  sortedOrder(): SortedOrder;
}

/**
 * A raw cursor over a `SortedOrder`: binary search to seek, an index step to move. When a
 * write it could have to see lands (see `openMergeCursor`, invariant 2), it takes the table's new
 * order and finds its place again by its (key, seq).
 */
export class IndexCursor implements RawCursor {
  entry = 0;
  readonly arena: Arena;
  readonly #source: OrderSource;
  readonly #seen: Staleness;
  #order: SortedOrder | undefined;
  #i = -1;
  /** Where run-ahead loads land, so that they are not dead code. */
  #sink = 0;

  constructor(source: OrderSource, snapshot = Number.POSITIVE_INFINITY) {
    this.arena = source.arena;
    this.#source = source;
    this.#seen = { count: -1, unordered: -1, onlyUnordered: false, snapshot };
  }

  first(): void {
    this.#at(this.#sync(), 0);
  }

  last(): void {
    const order = this.#sync();
    this.#at(order, order.length - 1);
  }

  seek(key: Uint8Array, seq: number): void {
    const order = this.#sync();
    this.#at(order, lowerBound(this.#source.arena, order, key, 0, key.length, seq, false));
  }

  seekForPrev(key: Uint8Array, seq: number): void {
    const order = this.#sync();
    // The last entry at or before (key, seq) is the one before the first after it.
    this.#at(order, lowerBound(this.#source.arena, order, key, 0, key.length, seq, true) - 1);
  }

  next(): void {
    const cur = this.entry;
    if (cur === 0) return;
    const order = this.#order as SortedOrder;
    if (isStale(this.#source, this.#seen)) {
      const fresh = this.#sync();
      this.#at(fresh, this.#find(fresh, cur, true));
      return;
    }
    const i = this.#i + 1;
    this.#at(order, i);
    const ahead = i + RUN_AHEAD;
    if (ahead < order.length) this.#sink ^= this.#source.arena.i32[order.offsets[ahead] >> 2];
  }

  prev(): void {
    const cur = this.entry;
    if (cur === 0) return;
    const order = this.#order as SortedOrder;
    if (isStale(this.#source, this.#seen)) {
      const fresh = this.#sync();
      this.#at(fresh, this.#find(fresh, cur, false) - 1);
      return;
    }
    const i = this.#i - 1;
    this.#at(order, i);
    const ahead = i - RUN_AHEAD;
    if (ahead >= 0) this.#sink ^= this.#source.arena.i32[order.offsets[ahead] >> 2];
  }

  /** The first index at (`after`: after) the entry `node` in internal order. */
  #find(order: SortedOrder, node: number, after: boolean): number {
    const arena = this.#source.arena;
    const i32 = arena.i32;
    const keyOff = entryKeyOffset(i32, node);
    const klen = entryKeyLength(i32, node);
    return lowerBound(arena, order, arena.bytes, keyOff, klen, entrySeq(arena.f64, node), after);
  }

  #sync(): SortedOrder {
    const source = this.#source;
    markSeen(source, this.#seen);
    const order = source.sortedOrder();
    this.#order = order;
    return order;
  }

  #at(order: SortedOrder, i: number): void {
    if (i >= 0 && i < order.length) {
      this.#i = i;
      this.entry = order.offsets[i];
    } else {
      this.#i = -1;
      this.entry = 0;
    }
  }
}

/**
 * The first index whose entry is at or after (key, seq) in internal order (key greater, or key
 * equal and entry seq <= seq), or with `after` strictly after it (entry seq < seq). The key is
 * `len` bytes at `keyOff` in `key` (a caller's key, or the arena's bytes).
 */
function lowerBound(
  arena: Arena,
  order: SortedOrder,
  key: Uint8Array,
  keyOff: number,
  len: number,
  seq: number,
  after: boolean,
): number {
  const { bytes, i32, f64 } = arena;
  return searchEntries(
    bytes,
    i32,
    f64,
    order.offsets,
    0,
    order.length,
    key,
    keyOff,
    len,
    seq,
    after,
  );
}
