import {
  type Arena,
  arenaPrefix32,
  compareArena,
  compareInternal,
  ENTRY_HEADER_SIZE,
  type RawCursor,
} from '@memrep/core';
import type { SkipListCore } from '@memrep/skiplist';

/** What a cursor over the buckets reads: the bucket array and the table's change counters. */
export interface BucketSource {
  readonly arena: Arena;
  readonly list: SkipListCore;
  /** Whether another thread writes (Atomics loads, view refresh). */
  readonly concurrent: boolean;
  /** Int32 word index of bucket 0's slot in the arena (slots are `SLOT_WORDS` words). */
  readonly bucketWord: number;
  /** Bytes a bucket head takes. */
  readonly headBytes: number;
  readonly bucketCount: number;
  /** Entries written so far: changes with every write. */
  readonly count: number;
  /** Writes whose seq was not above every seq held so far: changes with every such write. */
  readonly unorderedWrites: number;
  readonly lastSeq: number;
  /** The heads of the buckets that hold entries (the first `length` of `offsets`). */
  heads(): HeadList;
  /**
   * Loads up to `maxBytes` of the bucket at `head` in address order, ahead of a walk that
   * will visit it (see `BucketArena.sweep`); a no-op where the bucket's chunks are not known.
   */
  sweepBucket(head: number, maxBytes: number): void;
}

/** Head offsets of the non-empty buckets, in no particular order. REQUIRES: read-only. */
export interface HeadList {
  readonly offsets: Int32Array;
  readonly length: number;
}

/**
 * A reader's `heads()`: a scan of the bucket array (the writer keeps a list as it goes).
 * Every head it returns is covered by the arena's views.
 */
export function scanHeads(source: BucketSource): HeadList {
  const arena = source.arena;
  arena.refresh();
  let offsets = new Int32Array(64);
  let length = 0;
  const end = source.bucketWord + source.bucketCount * SLOT_WORDS;
  for (let w = source.bucketWord; w < end; w += SLOT_WORDS) {
    const head = Atomics.load(arena.i32, w);
    if (head === 0) continue;
    if (head + source.headBytes > arena.bytes.length) arena.refresh();
    if (length === offsets.length) {
      const bigger = new Int32Array(length * 2);
      bigger.set(offsets);
      offsets = bigger;
    }
    offsets[length++] = head;
  }
  return { offsets, length };
}

/**
 * A bucket's slot in the bucket array: its head offset (0 while the bucket is empty), then what
 * the writer keeps so that its point reads start past the head: the first node, the first
 * four bytes of its key (`keyPrefix32`) and the second node.
 */
export const SLOT_WORDS = 4;
export const SLOT_FIRST = 1;
export const SLOT_FIRST_PREFIX = 2;
export const SLOT_SECOND = 3;

/**
 * What a total-order cursor saw of the table's counters when it last positioned itself, to
 * tell whether a write since could be one it has to see (see `MergeCursor`, invariant 3).
 */
export interface Staleness {
  count: number;
  unordered: number;
  /** The snapshot was at or below `lastSeq`: only out-of-order writes can be visible. */
  onlyUnordered: boolean;
  /** The snapshot of the read the cursor serves, or Infinity when it sees every write. */
  readonly snapshot: number;
}

/** Records the counters as of now. */
export function markSeen(source: BucketSource, seen: Staleness): void {
  seen.count = source.count;
  seen.unordered = source.unorderedWrites;
  seen.onlyUnordered = seen.snapshot <= source.lastSeq;
}

/**
 * Whether a write since `markSeen` could be visible to the cursor. Readers in other threads
 * never re-position: a write racing with a read may or may not show up in it.
 */
export function isStale(source: BucketSource, seen: Staleness): boolean {
  if (source.concurrent) return false;
  if (seen.onlyUnordered) return source.unorderedWrites !== seen.unordered;
  return source.count !== seen.count;
}

const FIRST = 0;
const SEEK = 1;

/**
 * A raw cursor over one bucket: the skip-list core's cursor over its head, made when the
 * cursor is first positioned (the bucket may get its first entry after the cursor was made).
 *
 * `seeksFromFirst` is for a bucket named by the prefix being scanned: its keys start with the
 * prefix, bar hash collisions, so a seek to the prefix usually lands on the first node. It
 * tries that node first; a search from the head would compare the target with a node on
 * every level (the cached prefixes beside the links all tie), touching one each.
 *
 * `sweepBytes` above 0 has the bucket swept (`BucketSource.sweepBucket`) when the cursor first
 * finds its head: for a read that will walk most of the bucket, such as a whole prefix scan.
 */
export class BucketCursor implements RawCursor {
  entry = 0;
  readonly arena: Arena;
  readonly #source: BucketSource;
  readonly #bucket: number;
  readonly #seeksFromFirst: boolean;
  readonly #sweepBytes: number;
  #head = 0;

  constructor(source: BucketSource, bucket: number, seeksFromFirst = false, sweepBytes = 0) {
    this.arena = source.arena;
    this.#source = source;
    this.#bucket = bucket;
    this.#seeksFromFirst = seeksFromFirst;
    this.#sweepBytes = sweepBytes;
  }

  first(): void {
    const head = this.#findHead();
    this.entry = head === 0 ? 0 : this.#source.list.first(head);
  }

  last(): void {
    const head = this.#findHead();
    this.entry = head === 0 ? 0 : this.#source.list.last(head);
  }

  seek(key: Uint8Array, seq: number): void {
    const head = this.#findHead();
    if (head === 0) return;
    const list = this.#source.list;
    if (this.#seeksFromFirst) {
      const first = list.first(head);
      if (first === 0 || compareInternal(key, seq, this.#source.arena, first) <= 0) {
        this.entry = first;
        return;
      }
    }
    this.entry = list.seek(head, key, seq);
  }

  seekForPrev(key: Uint8Array, seq: number): void {
    const head = this.#findHead();
    this.entry = head === 0 ? 0 : this.#source.list.seekForPrev(head, key, seq);
  }

  next(): void {
    if (this.entry !== 0) this.entry = this.#source.list.next(this.entry);
  }

  prev(): void {
    if (this.entry !== 0) this.entry = this.#source.list.prev(this.#head, this.entry);
  }

  #findHead(): number {
    if (this.#head === 0) {
      const head = loadHead(this.#source, this.#bucket);
      if (head !== 0 && this.#sweepBytes > 0) this.#source.sweepBucket(head, this.#sweepBytes);
      this.#head = head;
    }
    return this.#head;
  }
}

/** The head of `bucket`, or 0; covered by the arena's views. */
export function loadHead(source: BucketSource, bucket: number): number {
  const arena = source.arena;
  const w = source.bucketWord + bucket * SLOT_WORDS;
  if (!source.concurrent) return arena.i32[w];
  const head = Atomics.load(arena.i32, w);
  if (head !== 0 && head + source.headBytes > arena.bytes.length) arena.refresh();
  return head;
}

/**
 * Every entry of every bucket in internal order: a k-way merge of the buckets through a binary
 * heap, LevelDB's MergingIterator over arena offsets. The heap is three Int32Arrays: each
 * bucket's current node, its key's first four bytes (a compare without touching the node) and
 * the bucket's head; moving on is replacing the top with its level-0 successor and sifting it
 * down, so a step allocates nothing.
 *
 * Invariants:
 * 1. A key lives in exactly one bucket, so two heap members never hold the same key: the
 *    heap orders by key alone.
 * 2. Forward, every member is its bucket's first node after the current entry (the top);
 *    backward, its last node before it. Switching direction re-seeks every bucket around the
 *    current entry, as LevelDB does.
 * 3. A write the cursor could miss (into a bucket behind the heap, or an exhausted one) changes
 *    a counter; the next step then re-seeks every bucket around the current entry. When the
 *    cursor knows its snapshot and it was at or below `lastSeq`, only writes with an
 *    out-of-order seq can be visible, so only they cost a re-seek.
 */
export class MergeCursor implements RawCursor {
  entry = 0;
  readonly arena: Arena;
  readonly #source: BucketSource;
  readonly #seen: Staleness;
  #nodes: Int32Array;
  /** `keyPrefix32` of each node, bitwise negated backwards so the heap is always a min-heap. */
  #keys: Int32Array;
  #heads: Int32Array;
  #size = 0;
  #forward = true;

  constructor(source: BucketSource, snapshot = Number.POSITIVE_INFINITY) {
    this.arena = source.arena;
    this.#source = source;
    this.#seen = { count: -1, unordered: -1, onlyUnordered: false, snapshot };
    const capacity = source.bucketCount < 64 ? source.bucketCount : 64;
    this.#nodes = new Int32Array(capacity);
    this.#keys = new Int32Array(capacity);
    this.#heads = new Int32Array(capacity);
  }

  first(): void {
    this.#fill(true, FIRST, undefined, 0);
  }

  last(): void {
    this.#fill(false, FIRST, undefined, 0);
  }

  seek(key: Uint8Array, seq: number): void {
    this.#fill(true, SEEK, key, seq);
  }

  seekForPrev(key: Uint8Array, seq: number): void {
    this.#fill(false, SEEK, key, seq);
  }

  next(): void {
    const cur = this.entry;
    if (cur === 0) return;
    if (!this.#forward || isStale(this.#source, this.#seen)) {
      // (key, seq - 1): the first entry after the current one, in every bucket.
      this.#fill(true, SEEK, this.#keyOf(cur), this.#source.arena.f64[(cur >> 3) + 1] - 1);
      return;
    }
    this.#advance(this.#source.list.next(cur));
  }

  prev(): void {
    const cur = this.entry;
    if (cur === 0) return;
    if (this.#forward || isStale(this.#source, this.#seen)) {
      this.#fill(false, SEEK, this.#keyOf(cur), this.#source.arena.f64[(cur >> 3) + 1] + 1);
      return;
    }
    this.#advance(this.#source.list.prev(this.#heads[0], cur));
  }

  /** Replaces the top with `node`, the next node of its bucket (0: the bucket is done). */
  #advance(node: number): void {
    if (node !== 0) {
      this.#siftDown(0, node, this.#keyWord(node), this.#heads[0]);
    } else {
      const last = --this.#size;
      if (last > 0) this.#siftDown(0, this.#nodes[last], this.#keys[last], this.#heads[last]);
    }
    this.entry = this.#size > 0 ? this.#nodes[0] : 0;
  }

  #fill(forward: boolean, mode: number, key: Uint8Array | undefined, seq: number): void {
    const source = this.#source;
    const list = source.list;
    // Counters first: a write racing with the fill shows up as stale on the next step.
    markSeen(source, this.#seen);
    this.#forward = forward;
    const heads = source.heads();
    const headOffsets = heads.offsets;
    let size = 0;
    for (let i = 0; i < heads.length; i++) {
      const head = headOffsets[i];
      let node: number;
      if (mode === FIRST) node = forward ? list.first(head) : list.last(head);
      else {
        const k = key as Uint8Array;
        node = forward ? list.seek(head, k, seq) : list.seekForPrev(head, k, seq);
      }
      if (node === 0) continue;
      if (size === this.#nodes.length) this.#grow();
      this.#nodes[size] = node;
      this.#heads[size] = head;
      this.#keys[size] = this.#keyWord(node);
      size++;
    }
    this.#size = size;
    const nodes = this.#nodes;
    const keys = this.#keys;
    const bucketHeads = this.#heads;
    for (let i = (size >> 1) - 1; i >= 0; i--) {
      this.#siftDown(i, nodes[i], keys[i], bucketHeads[i]);
    }
    this.entry = size > 0 ? nodes[0] : 0;
  }

  /** Places (node, key, head) at `i` or below, moving smaller children up. */
  #siftDown(i: number, node: number, key: number, head: number): void {
    const nodes = this.#nodes;
    const keys = this.#keys;
    const heads = this.#heads;
    const size = this.#size;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      let ck = keys[c];
      const r = c + 1;
      if (r < size) {
        const rk = keys[r];
        if (rk < ck || (rk === ck && this.#before(nodes[r], nodes[c]))) {
          c = r;
          ck = rk;
        }
      }
      if (key < ck || (key === ck && this.#before(node, nodes[c]))) break;
      nodes[i] = nodes[c];
      keys[i] = ck;
      heads[i] = heads[c];
      i = c;
    }
    nodes[i] = node;
    keys[i] = key;
    heads[i] = head;
  }

  /** Whether node `a` comes before node `b` in this cursor's direction (their keys differ). */
  #before(a: number, b: number): boolean {
    const arena = this.#source.arena;
    const i32 = arena.i32;
    const wa = i32[a >> 2];
    const wb = i32[b >> 2];
    const c = compareArena(
      arena.bytes,
      a + ENTRY_HEADER_SIZE + ((wa & 63) << 2),
      wa >>> 6,
      b + ENTRY_HEADER_SIZE + ((wb & 63) << 2),
      wb >>> 6,
    );
    return this.#forward ? c < 0 : c > 0;
  }

  #keyWord(node: number): number {
    const arena = this.#source.arena;
    const w = arena.i32[node >> 2];
    const p = arenaPrefix32(arena.bytes, node + ENTRY_HEADER_SIZE + ((w & 63) << 2), w >>> 6);
    return this.#forward ? p : ~p;
  }

  #keyOf(node: number): Uint8Array {
    const arena = this.#source.arena;
    const w = arena.i32[node >> 2];
    const off = node + ENTRY_HEADER_SIZE + ((w & 63) << 2);
    return arena.bytes.subarray(off, off + (w >>> 6));
  }

  #grow(): void {
    const capacity = Math.min(this.#nodes.length * 2, this.#source.bucketCount) || 1;
    const nodes = new Int32Array(capacity);
    const keys = new Int32Array(capacity);
    const heads = new Int32Array(capacity);
    nodes.set(this.#nodes);
    keys.set(this.#keys);
    heads.set(this.#heads);
    this.#nodes = nodes;
    this.#keys = keys;
    this.#heads = heads;
  }
}
