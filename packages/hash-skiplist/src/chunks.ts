import { Arena, type ArenaOptions } from '@memrep/core';

/** Word index, relative to `head >> 2`, of the two head words the skip-list core leaves free. */
const CHUNK_STATE_WORD = 2;
/** Largest chunk: a bucket never reserves more than this ahead of its entries. */
export const MAX_CHUNK_SIZE = 4 * 1024;
/** Bytes of a cache line: a sweep loads one word of each. */
const LINE = 64;
/** Bytes swept from a bucket's head: the head and the front of its first entry, just after it. */
const HEAD_SWEEP = 192;
/** Int32 words of one chunk record in the writer's log: start, end, previous record + 1. */
const RECORD_WORDS = 3;

/**
 * The writer's arena: while `bucket` is set (during an insert into a bucket that already holds
 * an entry), allocations come from that bucket's chunks (`Arena.allocateGrouped`), so that a
 * bucket's entries lie together and a walk of one bucket touches few pages. The chunk's state
 * lives in the bucket head's two free words.
 *
 * The writer also logs where each bucket's chunks are, from its second chunk on (a bucket of
 * two entries has none logged), so that `sweep` can load a bucket's memory in address order
 * before a walk visits it in key order: the loads of a sweep do not depend on each other and
 * run in parallel, where the walk's each wait for the one before. The log is the writer's
 * own JS memory, never the arena's: it costs no arena bytes (a nearly full arena fits what it
 * fitted without it), readers in other threads neither see nor need it, and it is only a
 * hint: a bucket without a log entry is walked as it is. A bucket's newest record is named by
 * its head's padding word (a head is `8h + 12` bytes, so its 8-byte allocation always ends
 * with four bytes the skip list does not use).
 */
export class BucketArena extends Arena {
  /** Head of the bucket being written, or 0: allocate as a plain arena. */
  bucket = 0;
  /** Word index, relative to `head >> 2`, of the heads' padding word (0: no log). */
  #logWord = 0;
  #log = new Int32Array(0);
  #logLength = 0;
  /** Where a sweep's loads go, so that they are not optimised away. */
  #sink = 0;

  constructor(options?: ArenaOptions) {
    super(options);
  }

  /**
   * Starts logging chunks, for heads of `headBytes` (a multiple of 8) whose last four bytes
   * nothing else uses.
   */
  logChunks(headBytes: number): void {
    this.#logWord = (headBytes >> 2) - 1;
  }

  /** Bytes the chunk log takes (the writer's memory, counted in the table's `memoryUsage`). */
  get logBytes(): number {
    return this.#log.byteLength;
  }

  override allocate(size: number): number {
    const head = this.bucket;
    if (head === 0) return super.allocate(size);
    const word = (head >> 2) + CHUNK_STATE_WORD;
    const before = this.i32[word + 1];
    const offset = this.allocateGrouped(size, null, word, MAX_CHUNK_SIZE);
    const after = this.i32[word + 1];
    if (after !== before && (before & 7) !== 0 && this.#logWord !== 0) {
      this.#record(head, offset, after & ~7);
    }
    return offset;
  }

  /**
   * Loads one word of every cache line of `head`'s bucket: the head and its first entry, then
   * its logged chunks newest first (the newest up to its top), until `maxBytes` are loaded.
   * Reads allocated memory only; changes nothing.
   */
  sweep(head: number, maxBytes: number): void {
    const i32 = this.i32;
    let x = 0;
    const headEnd = Math.min(head + HEAD_SWEEP, this.top);
    for (let o = head; o < headEnd; o += LINE) x ^= i32[o >> 2];
    if (this.#logWord === 0) return;
    const log = this.#log;
    const top = i32[(head >> 2) + CHUNK_STATE_WORD];
    let budget = maxBytes;
    for (let r = i32[(head >> 2) + this.#logWord] - 1; r >= 0 && budget > 0; ) {
      const i = r * RECORD_WORDS;
      const start = log[i];
      const end = top > start && top <= log[i + 1] ? top : log[i + 1];
      for (let o = start; o < end; o += LINE) x ^= i32[o >> 2];
      budget -= end - start;
      r = log[i + 2] - 1;
    }
    this.#sink ^= x;
  }

  /** The logged chunks of `head`'s bucket as `[start, end)` pairs, newest first. */
  loggedChunks(head: number): [number, number][] {
    const chunks: [number, number][] = [];
    if (this.#logWord === 0) return chunks;
    for (let r = this.i32[(head >> 2) + this.#logWord] - 1; r >= 0; ) {
      const i = r * RECORD_WORDS;
      chunks.push([this.#log[i], this.#log[i + 1]]);
      r = this.#log[i + 2] - 1;
    }
    return chunks;
  }

  #record(head: number, start: number, end: number): void {
    if (this.#logLength === this.#log.length) {
      const bigger = new Int32Array(Math.max(RECORD_WORDS * 64, this.#logLength * 2));
      bigger.set(this.#log);
      this.#log = bigger;
    }
    const i = this.#logLength;
    const w = (head >> 2) + this.#logWord;
    this.#log[i] = start;
    this.#log[i + 1] = end;
    this.#log[i + 2] = this.i32[w];
    this.#logLength = i + RECORD_WORDS;
    this.i32[w] = i / RECORD_WORDS + 1;
  }
}
