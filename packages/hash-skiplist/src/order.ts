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
  /**
   * Entries added since the sort, in internal order, held apart from `offsets` (a writer's
   * `LiveOrder`); every entry is in exactly one of the two. Empty for `buildSortedOrder`'s.
   */
  readonly delta: Int32Array;
  /** How many leading slots of `delta` hold offsets; the rest is spare capacity. */
  readonly deltaLength: number;
  /** Moves on whenever the order changes in place: a cursor holding it finds its place again. */
  readonly version: number;
}

/**
 * Every entry of every bucket of `source`, sorted into internal order in one pass (no delta):
 * the order a reader in another thread, or a table that dropped its kept order, starts from.
 */
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
  return {
    offsets: n === capacity ? offsets : offsets.slice(0, n),
    length: n,
    count,
    delta: NO_NODES,
    deltaLength: 0,
    version: 0,
  };
}

const NO_NODES = new Int32Array(0);
/** A `LiveOrder`'s delta is merged into its sorted run once it holds more than this... */
export const DELTA_MIN = 1024;
/** ...and more than 1/DELTA_SHARE of the run. */
const DELTA_SHARE = 16;

/**
 * The writer's sorted order kept up to date as it writes, LSM-style: a write appends its
 * entry's offset to `pending` (one store); the next ordered read (`flush`) inserts the pending
 * offsets into the small sorted `delta` (a binary search and a shift each), and once the delta
 * outgrows max(DELTA_MIN, length / 16) it is merged into the sorted run in one pass. A write
 * then costs O(1), a read after k writes O(k (log d + d)) plus the merges' amortized
 * O(n / d) per write, instead of the O(n) gather and sort of a rebuild.
 *
 * Invariants:
 * 1. After `flush`, every entry the table holds is in exactly one of `offsets[0, length)` and
 *    `delta[0, deltaLength)`, each in internal order, and `count` is the table's count.
 * 2. Every in-place change moves `version` on (cursors re-find their place by key and seq).
 * 3. `pending` holds at most `pendingLimit` offsets: `add` says false past it, and the table
 *    drops the order (a rebuild is cheaper than that many inserts).
 */
export class LiveOrder implements SortedOrder {
  /** Entry offsets in `(key asc, seq desc)` order; only the first `length` slots are used. */
  offsets: Int32Array;
  /** How many leading slots of `offsets` hold the sorted run. */
  length: number;
  count: number;
  delta: Int32Array = new Int32Array(64);
  /**
   * How many leading slots of `delta` hold offsets, kept sorted; merged into `offsets` once it
   * outgrows a share of `length`.
   */
  deltaLength = 0;
  version = 0;
  #pending: Int32Array = new Int32Array(64);
  #pendingLength = 0;

  constructor(order: SortedOrder) {
    this.offsets = order.offsets;
    this.length = order.length;
    this.count = order.count;
  }

  /**
   * The writer's order of `source` as of now: `kept` brought up to date (`flush`), or, when
   * there is none (never sorted, or dropped by `add`), a new one sorted from the buckets.
   */
  static current(source: BucketSource, kept: LiveOrder | undefined): LiveOrder {
    if (kept === undefined) return new LiveOrder(buildSortedOrder(source));
    if (kept.count !== source.count) kept.flush(source.arena, source.count);
    return kept;
  }

  /** Bytes the order takes (the writer's memory, counted in the table's `memoryUsage`). */
  get bytes(): number {
    return this.offsets.byteLength + this.delta.byteLength + this.#pending.byteLength;
  }

  /** Most offsets `pending` takes before the order is dropped instead. */
  get pendingLimit(): number {
    return Math.max(DELTA_MIN, this.length >> 3);
  }

  /** Queues a new entry's offset; false when the queue is full (invariant 3). */
  add(node: number): boolean {
    const n = this.#pendingLength;
    if (n >= this.pendingLimit) return false;
    if (n === this.#pending.length) this.#pending = grown(this.#pending, n * 2);
    this.#pending[n] = node;
    this.#pendingLength = n + 1;
    return true;
  }

  /** Places the pending offsets (invariant 1) as of the table's `count`. */
  flush(arena: Arena, count: number): void {
    const { bytes, i32, f64 } = arena;
    const pending = this.#pending;
    let delta = this.delta;
    let d = this.deltaLength;
    for (let p = 0; p < this.#pendingLength; p++) {
      const node = pending[p];
      const keyOff = entryKeyOffset(i32, node);
      const klen = entryKeyLength(i32, node);
      const seq = entrySeq(f64, node);
      const at = searchEntries(bytes, i32, f64, delta, 0, d, bytes, keyOff, klen, seq, false);
      if (d === delta.length) delta = grown(delta, d * 2);
      delta.copyWithin(at + 1, at, d);
      delta[at] = node;
      d++;
    }
    this.delta = delta;
    this.deltaLength = d;
    this.#pendingLength = 0;
    this.count = count;
    this.version++;
    if (d > DELTA_MIN && d * DELTA_SHARE > this.length) this.#merge(arena);
  }

  /** Merges the delta into the sorted run: a binary search from the last place per entry. */
  #merge(arena: Arena): void {
    const { bytes, i32, f64 } = arena;
    const run = this.offsets;
    const m = this.length;
    const delta = this.delta;
    const d = this.deltaLength;
    const out = new Int32Array(m + d);
    let from = 0;
    let k = 0;
    for (let j = 0; j < d; j++) {
      const node = delta[j];
      const keyOff = entryKeyOffset(i32, node);
      const klen = entryKeyLength(i32, node);
      const seq = entrySeq(f64, node);
      const at = searchEntries(bytes, i32, f64, run, from, m, bytes, keyOff, klen, seq, false);
      out.set(run.subarray(from, at), k);
      k += at - from;
      out[k++] = node;
      from = at;
    }
    out.set(run.subarray(from, m), k);
    this.offsets = out;
    this.length = m + d;
    this.deltaLength = 0;
    this.version++;
  }
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
  /** The table's current total order (built, or kept up to date, on demand). */
  sortedOrder(): SortedOrder;
}

/**
 * A raw cursor over a `SortedOrder`: binary search to seek, an index step to move. When a
 * write it could have to see lands (see `openMergeCursor`, invariant 2), or the order changed
 * in place (`version`), it takes the table's current order and finds its place again by its
 * (key, seq).
 *
 * Invariant: the cursor stands at index `#i` of the run and `#j` of the delta, and its entry
 * is the lesser of `offsets[#i]` and `delta[#j]` (those that exist): the entries before it
 * are exactly `offsets[0, #i)` and `delta[0, #j)`. With an empty delta this is the run alone.
 */
export class IndexCursor implements RawCursor {
  entry = 0;
  readonly arena: Arena;
  readonly #source: OrderSource;
  readonly #seen: Staleness;
  #order: SortedOrder | undefined;
  #version = -1;
  #i = 0;
  #j = 0;
  /** Whether the entry is the delta's (`delta[#j]`) rather than the run's. */
  #inDelta = false;
  /** Where run-ahead loads land, so that they are not dead code. */
  #sink = 0;

  constructor(source: OrderSource, snapshot = Number.POSITIVE_INFINITY) {
    this.arena = source.arena;
    this.#source = source;
    this.#seen = { count: -1, unordered: -1, onlyUnordered: false, snapshot };
  }

  first(): void {
    this.#sync();
    this.#i = 0;
    this.#j = 0;
    this.#pick();
  }

  last(): void {
    const order = this.#sync();
    this.#i = order.length;
    this.#j = order.deltaLength;
    this.#back();
  }

  seek(key: Uint8Array, seq: number): void {
    const order = this.#sync();
    const arena = this.#source.arena;
    this.#i = lowerBound(arena, order.offsets, order.length, key, 0, key.length, seq, false);
    this.#j = lowerBound(arena, order.delta, order.deltaLength, key, 0, key.length, seq, false);
    this.#pick();
  }

  seekForPrev(key: Uint8Array, seq: number): void {
    const order = this.#sync();
    const arena = this.#source.arena;
    // The last entry at or before (key, seq) is the one before the first after it.
    this.#i = lowerBound(arena, order.offsets, order.length, key, 0, key.length, seq, true);
    this.#j = lowerBound(arena, order.delta, order.deltaLength, key, 0, key.length, seq, true);
    this.#back();
  }

  next(): void {
    const cur = this.entry;
    if (cur === 0) return;
    const order = this.#order as SortedOrder;
    if (order.version !== this.#version || isStale(this.#source, this.#seen)) {
      this.#find(this.#sync(), cur, true);
      this.#pick();
      return;
    }
    if (this.#inDelta) this.#j++;
    else {
      this.#i++;
      const ahead = this.#i + RUN_AHEAD;
      if (ahead < order.length) this.#sink ^= this.#source.arena.i32[order.offsets[ahead] >> 2];
    }
    this.#pick();
  }

  prev(): void {
    const cur = this.entry;
    if (cur === 0) return;
    const order = this.#order as SortedOrder;
    if (order.version !== this.#version || isStale(this.#source, this.#seen)) {
      this.#find(this.#sync(), cur, false);
      this.#back();
      return;
    }
    this.#back();
    const ahead = this.#i - RUN_AHEAD;
    if (!this.#inDelta && ahead >= 0) {
      this.#sink ^= this.#source.arena.i32[order.offsets[ahead] >> 2];
    }
  }

  /** Stands at the first indexes at (`after`: after) the entry `node` in internal order. */
  #find(order: SortedOrder, node: number, after: boolean): void {
    const arena = this.#source.arena;
    const i32 = arena.i32;
    const keyOff = entryKeyOffset(i32, node);
    const klen = entryKeyLength(i32, node);
    const seq = entrySeq(arena.f64, node);
    const b = arena.bytes;
    this.#i = lowerBound(arena, order.offsets, order.length, b, keyOff, klen, seq, after);
    this.#j = lowerBound(arena, order.delta, order.deltaLength, b, keyOff, klen, seq, after);
  }

  #sync(): SortedOrder {
    const source = this.#source;
    markSeen(source, this.#seen);
    const order = source.sortedOrder();
    this.#order = order;
    this.#version = order.version;
    return order;
  }

  /** The entry at (#i, #j): the lesser of the two candidates (the invariant). */
  #pick(): void {
    const order = this.#order as SortedOrder;
    const a = this.#i < order.length ? order.offsets[this.#i] : 0;
    const b = this.#j < order.deltaLength ? order.delta[this.#j] : 0;
    const { bytes, i32, f64 } = this.#source.arena;
    const inDelta = b !== 0 && (a === 0 || compareEntries(bytes, i32, f64, b, a, 0) < 0);
    this.#inDelta = inDelta;
    this.entry = inDelta ? b : a;
  }

  /** Steps back to the greater of `offsets[#i - 1]` and `delta[#j - 1]`, or to nothing. */
  #back(): void {
    const order = this.#order as SortedOrder;
    const a = this.#i > 0 ? order.offsets[this.#i - 1] : 0;
    const b = this.#j > 0 ? order.delta[this.#j - 1] : 0;
    const { bytes, i32, f64 } = this.#source.arena;
    if (b !== 0 && (a === 0 || compareEntries(bytes, i32, f64, b, a, 0) > 0)) {
      this.#j--;
      this.#inDelta = true;
      this.entry = b;
    } else if (a !== 0) {
      this.#i--;
      this.#inDelta = false;
      this.entry = a;
    } else {
      this.entry = 0;
    }
  }
}

/**
 * The first index of `run[0, length)` whose entry is at or after (key, seq) in internal order
 * (key greater, or key equal and entry seq <= seq), or with `after` strictly after it (entry
 * seq < seq). The key is `len` bytes at `keyOff` in `key` (a caller's key, or the arena's).
 */
function lowerBound(
  arena: Arena,
  run: Int32Array,
  length: number,
  key: Uint8Array,
  keyOff: number,
  len: number,
  seq: number,
  after: boolean,
): number {
  const { bytes, i32, f64 } = arena;
  return searchEntries(bytes, i32, f64, run, 0, length, key, keyOff, len, seq, after);
}
