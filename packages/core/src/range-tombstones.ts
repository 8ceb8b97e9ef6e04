import type { Arena } from './arena.js';
import { arenaPrefix32, compareBytes } from './bytes.js';
import { metaRangeTombstones, setMetaRangeTombstones } from './table-meta.js';
import type { RangeTombstone } from './types.js';

/**
 * Range tombstones in the arena: one record each, linked newest first from the table's
 * `rangeTombstones` state word (table-meta.ts). Every offset below is in bytes from the
 * record's start:
 *
 *   0..3    next         int32: the previous (older) record, 0 for the first
 *   4..7    index        int32: records before this one (so the table holds index + 1)
 *   8..15   seq          float64
 *   16..19  startLength  int32
 *   20..23  endLength    int32
 *   24..    start bytes, then end bytes
 *
 * Invariants:
 * 1. A record is written whole, then published by one `Atomics.store` of its offset into the
 *    state word; it never changes after. A reader in any thread sees it fully or not at all.
 * 2. Records are never freed (the arena frees nothing), so the list only grows at its head.
 */
const RECORD_HEADER_SIZE = 24;

/** Compares `aLength` bytes at `aOffset` in `a` with `bLength` bytes at `bOffset` in `b`. */
function compareArenaTo(
  a: Uint8Array,
  aOffset: number,
  aLength: number,
  b: Uint8Array,
  bOffset: number,
  bLength: number,
): number {
  const m = aLength < bLength ? aLength : bLength;
  for (let j = 0; j < m; j++) {
    const d = a[aOffset + j] - b[bOffset + j];
    if (d !== 0) return d;
  }
  return aLength - bLength;
}

/** Arena bytes a range tombstone over these bounds takes (8-byte aligned). */
export function rangeTombstoneSize(startLength: number, endLength: number): number {
  return (RECORD_HEADER_SIZE + startLength + endLength + 7) & ~7;
}

/**
 * Writes a range tombstone record and publishes it. May throw `MEMREP_ARENA_FULL`, having
 * changed nothing. REQUIRES: the one writer; `start < end`.
 */
export function appendRangeTombstone(
  arena: Arena,
  meta: number,
  start: Uint8Array,
  end: Uint8Array,
  seq: number,
): void {
  const previous = metaRangeTombstones(arena, meta);
  const off = arena.allocate(RECORD_HEADER_SIZE + start.length + end.length);
  const i32 = arena.i32;
  const w = off >> 2;
  i32[w] = previous;
  i32[w + 1] = previous === 0 ? 0 : i32[(previous >> 2) + 1] + 1;
  arena.f64[(off >> 3) + 1] = seq;
  i32[w + 4] = start.length;
  i32[w + 5] = end.length;
  arena.bytes.set(start, off + RECORD_HEADER_SIZE);
  arena.bytes.set(end, off + RECORD_HEADER_SIZE + start.length);
  setMetaRangeTombstones(arena, meta, off);
}

/** Range tombstones the record at `head` starts a list of (0: none). */
export function rangeTombstoneCount(arena: Arena, head: number): number {
  return head === 0 ? 0 : arena.i32[(head >> 2) + 1] + 1;
}

/**
 * What the visibility layer asks of range tombstones: given an entry's key (`length` bytes at
 * `offset` in `bytes`) and a read's snapshot, the highest seq of a range tombstone visible at
 * that snapshot (seq <= snapshot) whose `[start, end)` holds the key; -1 when there is none.
 * An entry with a lower seq than that is hidden.
 *
 * One table's is its `FragmentedRangeTombstones`; a read over several tables gives one that
 * answers the highest over all of them (the max of each table's answer), so that a newer
 * table's range tombstone hides an older table's entries.
 */
export interface RangeTombstoneCoverage {
  /**
   * The highest seq <= `snapshot` of a range tombstone whose `[start, end)` holds the key
   * `bytes[offset, offset + length)`; -1 when none does. Reads only; allocates nothing.
   */
  coveringSeq(bytes: Uint8Array, offset: number, length: number, snapshot: number): number;
}

const NO_FRAGMENTS = new Float64Array(0);
/** Most buckets of a fragment list's first level (256 KiB of Int32Array). */
const MAX_BUCKETS = 1 << 16;

/**
 * A list of range tombstones cut into non-overlapping fragments, each with the seqs of the
 * tombstones that cover it, highest first: RocksDB's `FragmentedRangeTombstoneList`
 * (db/range_tombstone_fragmenter.cc). A lookup is one binary search over fragment starts and
 * a walk down one seq stack; overlapping tombstones cost nothing more at read time. Built once
 * per set of tombstones and cached by the table until one is added (`count` changes).
 */
export class FragmentedRangeTombstones implements RangeTombstoneCoverage {
  /** Tombstones the list was built from. */
  readonly count: number;
  /**
   * Every tombstone, by start ascending, then seq descending, then end ascending (what
   * `rangeTombstones()` yields), as zero-copy views of their bounds.
   */
  readonly tombstones: readonly RangeTombstone[];
  /**
   * Fragment i is `[bounds[at[2i]] .. bounds[at[2i + 1]])` to `[bounds[at[2i + 1]] ..
   * bounds[at[2i + 2]])`: its start, then its end, packed back to back in one array, so that a
   * lookup's steps read two small contiguous arrays instead of chasing a view per fragment.
   */
  readonly #bounds: Uint8Array;
  readonly #at: Int32Array;
  readonly #fragments: number;
  /** Fragment i's seqs are `#seqs[#seqStart[i] .. #seqStart[i + 1])`, highest first. */
  readonly #seqStart: Int32Array;
  readonly #seqs: Float64Array;
  readonly #minSeq: number;
  /** The highest seq of any tombstone (-1 for none): an entry above it no tombstone hides. */
  readonly maxSeq: number;
  /** Bytes every fragment bound starts with (the first bound's first `#common` bytes). */
  readonly #common: number;
  /** Fragment i's start past the common bytes, as `arenaPrefix32`: most search steps compare it alone. */
  readonly #startPrefix: Int32Array;
  /** Fragment i's end past the common bytes, as `arenaPrefix32`: most end checks compare it alone. */
  readonly #endPrefix: Int32Array;
  /** The last fragment's end past the common bytes, as `arenaPrefix32`: a key above it is past every fragment. */
  readonly #lastEndPrefix: number;
  /**
   * A first level over `#startPrefix`: bucket b holds the fragments whose
   * `(startPrefix - startPrefix[0]) >>> #shift` is b, fragments `#first[b] .. #first[b + 1]`;
   * about two buckets a fragment, so that a lookup's binary search runs over the few starts of
   * one bucket instead of over all of them.
   */
  readonly #first: Int32Array;
  readonly #shift: number;

  constructor(tombstones: Iterable<RangeTombstone>) {
    const sorted = [...tombstones].sort(
      (a, b) => compareBytes(a.start, b.start) || b.seq - a.seq || compareBytes(a.end, b.end),
    );
    this.tombstones = sorted;
    this.count = sorted.length;
    let minSeq = Number.POSITIVE_INFINITY;
    let maxSeq = -1;
    const bounds: Uint8Array[] = [];
    for (const t of sorted) {
      bounds.push(t.start, t.end);
      if (t.seq < minSeq) minSeq = t.seq;
      if (t.seq > maxSeq) maxSeq = t.seq;
    }
    this.#minSeq = minSeq;
    this.maxSeq = maxSeq;
    bounds.sort(compareBytes);
    const points: Uint8Array[] = [];
    for (const b of bounds) {
      if (points.length === 0 || compareBytes(points[points.length - 1], b) !== 0) points.push(b);
    }
    const seqStart: number[] = [];
    const seqs: number[] = [];
    const fragmentBounds: Uint8Array[] = [];
    let active: RangeTombstone[] = [];
    let next = 0;
    for (let i = 0; i + 1 < points.length; i++) {
      const lo = points[i];
      active = active.filter((t) => compareBytes(t.end, lo) > 0);
      while (next < sorted.length && compareBytes(sorted[next].start, lo) <= 0) {
        active.push(sorted[next++]);
      }
      if (active.length === 0) continue;
      fragmentBounds.push(lo, points[i + 1]);
      seqStart.push(seqs.length);
      const stack = active.map((t) => t.seq).sort((a, b) => b - a);
      for (const s of stack) seqs.push(s);
    }
    seqStart.push(seqs.length);
    this.#fragments = fragmentBounds.length >> 1;
    const at = new Int32Array(fragmentBounds.length + 1);
    for (let i = 0; i < fragmentBounds.length; i++) at[i + 1] = at[i] + fragmentBounds[i].length;
    const packed = new Uint8Array(at[fragmentBounds.length]);
    for (let i = 0; i < fragmentBounds.length; i++) packed.set(fragmentBounds[i], at[i]);
    this.#bounds = packed;
    this.#at = at;
    this.#seqStart = Int32Array.from(seqStart);
    this.#seqs = seqs.length === 0 ? NO_FRAGMENTS : Float64Array.from(seqs);
    const n = this.#fragments;
    let common = 0;
    if (n > 0) {
      // Bounds are sorted, so what the first and the last share, every bound between shares.
      const lastFrom = at[2 * n - 1];
      const firstLength = at[1];
      const lastLength = at[2 * n] - lastFrom;
      const m = firstLength < lastLength ? firstLength : lastLength;
      while (common < m && packed[common] === packed[lastFrom + common]) common++;
    }
    this.#common = common;
    const startPrefix = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const from = at[2 * i] + common;
      startPrefix[i] = arenaPrefix32(packed, from, at[2 * i + 1] - from);
    }
    this.#startPrefix = startPrefix;
    const endPrefix = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const from = at[2 * i + 1] + common;
      endPrefix[i] = arenaPrefix32(packed, from, at[2 * i + 2] - from);
    }
    this.#endPrefix = endPrefix;
    const lastEnd = n > 0 ? at[2 * n - 1] + common : 0;
    this.#lastEndPrefix = n > 0 ? arenaPrefix32(packed, lastEnd, at[2 * n] - lastEnd) : 0;
    const base = n > 0 ? startPrefix[0] : 0;
    const span = this.#lastEndPrefix - base;
    const want = Math.min(Math.max(2 * n, 16), MAX_BUCKETS);
    let shift = 0;
    while (Math.floor(span / 2 ** shift) >= want) shift++;
    const buckets = Math.floor(span / 2 ** shift) + 1;
    const first = new Int32Array(buckets + 1);
    for (let b = 0, i = 0; b <= buckets; b++) {
      while (i < n && (startPrefix[i] - base) >>> shift < b) i++;
      first[b] = i;
    }
    this.#first = first;
    this.#shift = shift;
  }

  /** The list of the tombstones linked from `head` (see `appendRangeTombstone`). */
  static fromArena(arena: Arena, head: number): FragmentedRangeTombstones {
    const list: RangeTombstone[] = [];
    const i32 = arena.i32;
    const buffer = arena.buffer;
    for (let off = head; off !== 0; off = i32[off >> 2]) {
      const startLength = i32[(off >> 2) + 4];
      const endLength = i32[(off >> 2) + 5];
      const at = off + RECORD_HEADER_SIZE;
      list.push({
        start: new Uint8Array(buffer, at, startLength),
        end: new Uint8Array(buffer, at + startLength, endLength),
        seq: arena.f64[(off >> 3) + 1],
      });
    }
    return new FragmentedRangeTombstones(list);
  }

  /** Fragments (non-overlapping pieces) the tombstones were cut into. */
  get fragmentCount(): number {
    return this.#fragments;
  }

  /**
   * See {@link RangeTombstoneCoverage.coveringSeq}. A key that does not start with the bytes
   * every bound shares, or whose next four bytes sort below the first start's or above the
   * last end's, lies outside every fragment: -1 without a search. Otherwise one binary search
   * over the fragment starts' `arenaPrefix32` past those bytes, within the key's bucket of
   * `#first` (the fragments of lower buckets start below the key, those of higher ones above
   * it), comparing bytes only where the prefixes are equal.
   */
  coveringSeq(bytes: Uint8Array, offset: number, length: number, snapshot: number): number {
    if (snapshot < this.#minSeq) return -1;
    const n = this.#fragments;
    if (n === 0) return -1;
    const packed = this.#bounds;
    const at = this.#at;
    const common = this.#common;
    if (length < common) return -1;
    for (let j = 0; j < common; j++) if (packed[j] !== bytes[offset + j]) return -1;
    const from = offset + common;
    const rest = length - common;
    const kp = arenaPrefix32(bytes, from, rest);
    const startPrefix = this.#startPrefix;
    if (kp < startPrefix[0] || kp > this.#lastEndPrefix) return -1;
    const b = (kp - startPrefix[0]) >>> this.#shift;
    let lo = this.#first[b];
    let hi = this.#first[b + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const sp = startPrefix[mid];
      let below = sp < kp;
      if (sp === kp) {
        const s = at[2 * mid] + common;
        below = compareArenaTo(packed, s, at[2 * mid + 1] - s, bytes, from, rest) <= 0;
      }
      if (below) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return -1;
    const i = lo - 1;
    const ep = this.#endPrefix[i];
    if (ep < kp) return -1;
    if (ep === kp) {
      const endFrom = at[2 * i + 1] + common;
      if (compareArenaTo(packed, endFrom, at[2 * i + 2] - endFrom, bytes, from, rest) <= 0) {
        return -1;
      }
    }
    const seqs = this.#seqs;
    const stop = this.#seqStart[i + 1];
    for (let j = this.#seqStart[i]; j < stop; j++) if (seqs[j] <= snapshot) return seqs[j];
    return -1;
  }
}
