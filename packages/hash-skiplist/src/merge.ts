import {
  type Arena,
  compareInternal,
  type MergeChildren,
  MergingCursor,
  type RawCursor,
} from '@memrep/core/backend';
import { HEAD_HEIGHT_WORD, type SkipListCore } from '@memrep/skiplist';

/** What a cursor over the buckets reads: the bucket array and the table's change counters. */
export interface BucketSource {
  /** The arena every bucket's head and entries lie in. */
  readonly arena: Arena;
  /** The skip-list operations the buckets are searched and walked with. */
  readonly list: SkipListCore;
  /** Whether another thread writes (Atomics loads, view refresh). */
  readonly concurrent: boolean;
  /** Int32 word index of bucket 0's slot in the arena (slots are `SLOT_WORDS` words). */
  readonly bucketWord: number;
  /** Bytes a bucket head takes. */
  readonly headBytes: number;
  /** Buckets in the table, empty ones included. */
  readonly bucketCount: number;
  /** Entries written so far: changes with every write. */
  readonly count: number;
  /** Writes whose seq was not above every seq held so far: changes with every such write. */
  readonly unorderedWrites: number;
  /** The table's highest seq (`Table.lastSeq`). */
  readonly lastSeq: number;
  /** The heads of the buckets that hold entries (the first `length` of `offsets`). */
  heads(): HeadList;
  /**
   * Loads up to `maxBytes` of the bucket at `head` in address order, ahead of a walk that
   * will visit it (see `ChunkLog.sweep`); a no-op where the bucket's chunks are not known.
   */
  sweepBucket(head: number, maxBytes: number): void;
}

/** Head offsets of the non-empty buckets, in no particular order. REQUIRES: read-only. */
export interface HeadList {
  /** Head offsets; only the first `length` are meaningful. */
  readonly offsets: Int32Array;
  /** How many of `offsets` are heads. */
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
 * tell whether a write since could be one it has to see (see `openMergeCursor`, invariant 2).
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
 * Every entry of every bucket in internal order: core's `MergingCursor` over a skip-list
 * cursor per non-empty bucket.
 *
 * Invariants:
 * 1. A key lives in exactly one bucket, so two children never hold the same key.
 * 2. A write the cursor could miss (into a bucket behind the heap, an exhausted one, or a new
 *    bucket) changes a counter (`changed`); the merge's next step then re-seeks every bucket
 *    around the current entry. When the cursor knows its snapshot and it was at or below
 *    `lastSeq`, only writes with an out-of-order seq can be visible, so only they cost a
 *    re-seek.
 */
export function openMergeCursor(
  source: BucketSource,
  snapshot = Number.POSITIVE_INFINITY,
): RawCursor {
  return new MergingCursor(new BucketChildren(source, snapshot), source.arena);
}

/** The children of a bucket merge: one skip-list cursor per non-empty bucket, kept across fills. */
class BucketChildren implements MergeChildren {
  readonly #source: BucketSource;
  readonly #seen: Staleness;
  readonly #cursors: RawCursor[] = [];
  /** The head each of `#cursors` walks. */
  readonly #heads: number[] = [];

  constructor(source: BucketSource, snapshot: number) {
    this.#source = source;
    this.#seen = { count: -1, unordered: -1, onlyUnordered: false, snapshot };
  }

  children(): readonly RawCursor[] {
    const source = this.#source;
    // Counters first: a write racing with the fill shows up as a change on the next step.
    markSeen(source, this.#seen);
    const heads = source.heads();
    const cursors = this.#cursors;
    const on = this.#heads;
    for (let i = 0; i < heads.length; i++) {
      const head = heads.offsets[i];
      if (on[i] !== head) {
        on[i] = head;
        cursors[i] = new ChildCursor(source, head);
      }
    }
    cursors.length = heads.length;
    on.length = heads.length;
    return cursors;
  }

  changed(): boolean {
    return isStale(this.#source, this.#seen);
  }
}

/** A list at most this tall steps back from a buffer of its level-0 walk (`ChildCursor`). */
export const BUFFERED_PREV_HEIGHT = 2;

/**
 * A merge child: the skip-list core's cursor over one bucket, with a cheaper `prev` in short
 * lists. The core's `prev` searches for the node's predecessor from the head, which in a
 * list of height 1 or 2 is a walk of most of the bucket: a reverse scan would cost
 * O(n^2 / buckets). Here a `prev` that misses walks level 0 from the head once, keeping every
 * node up to the current one, and later `prev`s step back through that buffer.
 *
 * Invariant: the buffer is used only while `buffer[at]` is the current entry and the cursor
 * has not moved otherwise since; any other move drops it. Entries never move, so the buffered
 * nodes stay in order; a node linked between them since the walk is missed only by a cursor
 * that does not have to see it (one that re-seeks on writes it could see: `openMergeCursor`,
 * invariant 2, re-positions it and so drops the buffer; a reader in another thread may or may
 * not see a racing write).
 */
class ChildCursor implements RawCursor {
  entry = 0;
  readonly arena: Arena;
  readonly #source: BucketSource;
  readonly #head: number;
  readonly #inner: RawCursor;
  #buffer: Int32Array = EMPTY_NODES;
  /** Index of the current entry in `#buffer`, or -1 while there is no buffer. */
  #at = -1;
  /** The entry came from the buffer: `#inner` is elsewhere until the next positioning. */
  #detached = false;

  constructor(source: BucketSource, head: number) {
    this.arena = source.arena;
    this.#source = source;
    this.#head = head;
    this.#inner = source.list.openCursor(head);
  }

  first(): void {
    this.#inner.first();
    this.#moved();
  }

  last(): void {
    this.#inner.last();
    this.#moved();
  }

  seek(key: Uint8Array, seq: number): void {
    this.#inner.seek(key, seq);
    this.#moved();
  }

  seekForPrev(key: Uint8Array, seq: number): void {
    this.#inner.seekForPrev(key, seq);
    this.#moved();
  }

  next(): void {
    if (this.#detached) {
      this.#at = -1;
      if (this.entry !== 0) this.entry = this.#source.list.next(this.entry);
      return;
    }
    this.#inner.next();
    this.#moved();
  }

  prev(): void {
    const cur = this.entry;
    if (cur === 0) return;
    if (this.#at > 0 && this.#buffer[this.#at] === cur) {
      this.#at--;
      this.entry = this.#buffer[this.#at];
      return;
    }
    if (this.#at === 0 && this.#buffer[0] === cur) {
      this.#at = -1;
      this.entry = 0;
      return;
    }
    const arena = this.#source.arena;
    const concurrent = this.#source.concurrent;
    const hw = (this.#head >> 2) + HEAD_HEIGHT_WORD;
    const height = concurrent ? Atomics.load(arena.i32, hw) : arena.i32[hw];
    if (height <= BUFFERED_PREV_HEIGHT && this.#walkTo(cur)) return;
    this.#at = -1;
    if (this.#detached) this.entry = this.#source.list.prev(this.#head, cur);
    else {
      this.#inner.prev();
      this.entry = this.#inner.entry;
    }
  }

  /** Buffers level 0 up to `node` and steps to the node before it; false if not found. */
  #walkTo(node: number): boolean {
    const list = this.#source.list;
    let buffer = this.#buffer;
    let n = 0;
    let x = list.first(this.#head);
    for (; x !== 0 && x !== node; x = list.next(x)) {
      if (n === buffer.length) {
        const bigger = new Int32Array(Math.max(64, n * 2));
        bigger.set(buffer);
        buffer = bigger;
      }
      buffer[n++] = x;
    }
    this.#buffer = buffer;
    if (x !== node) return false;
    this.#at = n - 1;
    this.#detached = true;
    this.entry = n === 0 ? 0 : buffer[n - 1];
    return true;
  }

  #moved(): void {
    this.#at = -1;
    this.#detached = false;
    this.entry = this.#inner.entry;
  }
}

const EMPTY_NODES = new Int32Array(0);
