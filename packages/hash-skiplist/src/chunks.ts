import type { Arena } from '@memrep/core/backend';
import { HEAD_OWNER_WORD, headSpareWord } from '@memrep/skiplist';

/** Largest chunk: a bucket never reserves more than this ahead of its entries. */
export const MAX_CHUNK_SIZE = 4 * 1024;
/** Bytes of a cache line: a sweep loads one word of each. */
const LINE = 64;
/** Bytes swept from a bucket's head: the head and the front of its first entry, just after it. */
const HEAD_SWEEP = 192;
/** Int32 words of one chunk record in the writer's log: start, end, previous record + 1. */
const RECORD_WORDS = 3;

/**
 * Where a bucket's entries go, and the writer's log of it. An insert into a bucket that
 * already holds an entry passes the bucket's placement to the skip-list core (`placement`:
 * the chunk state in the bucket head's two owner words, `Arena.allocateGrouped`), so that a
 * bucket's entries lie together and a walk of one bucket touches few pages.
 *
 * The writer also logs where each bucket's chunks are, from its second chunk on (a bucket of
 * two entries has none logged), so that `sweep` can load a bucket's memory in address order
 * before a walk visits it in key order: the loads of a sweep do not depend on each other and
 * run in parallel, where the walk's each wait for the one before. The log is the writer's
 * own JS memory, never the arena's: it costs no arena bytes (a nearly full arena fits what it
 * fitted without it), readers in other threads neither see nor need it, and it is only a
 * hint: a bucket without a log entry is walked as it is. A bucket's newest record is named by
 * its head's spare word (`headSpareWord`, which the skip list leaves to the owner).
 */
export class ChunkLog {
  readonly #arena: Arena;
  /** Word index, relative to `head >> 2`, of the heads' spare word. */
  readonly #logWord: number;
  #log = new Int32Array(0);
  #logLength = 0;
  /** Where a sweep's loads go, so that they are not optimised away. */
  #sink = 0;

  /** A log for the buckets of `arena` whose heads have `maxHeight` levels. */
  constructor(arena: Arena, maxHeight: number) {
    this.#arena = arena;
    this.#logWord = headSpareWord(maxHeight);
  }

  /** Bytes the chunk log takes (the writer's memory, counted in the table's `memoryUsage`). */
  get logBytes(): number {
    return this.#log.byteLength;
  }

  /**
   * The placement word of the bucket at `head`: what an insert into it passes to the skip-list
   * core (`insertAt`'s `word`, no state array, `MAX_CHUNK_SIZE`) so that the entry goes to the
   * bucket's chunks. Read the word after it (the chunk's top) before the insert, for `placed`.
   */
  placementWord(head: number): number {
    return (head >> 2) + HEAD_OWNER_WORD;
  }

  /**
   * After an insert of `node` placed in `head`'s chunks: logs the chunk the insert opened, if
   * it did. `before` is the chunk top word (`placementWord(head) + 1`) as it was before.
   */
  placed(head: number, before: number, node: number): void {
    const after = this.#arena.i32[(head >> 2) + HEAD_OWNER_WORD + 1];
    // A chunk opened: the node is its first allocation. A bucket's first chunk is not logged.
    if (after !== before && (before & 7) !== 0) this.#record(head, node, after & ~7);
  }

  /**
   * Loads one word of every cache line of `head`'s bucket: the head and its first entry, then
   * its logged chunks newest first (the newest up to its top), until `maxBytes` are loaded.
   * Reads allocated memory only; changes nothing.
   */
  sweep(head: number, maxBytes: number): void {
    const i32 = this.#arena.i32;
    let x = 0;
    const headEnd = Math.min(head + HEAD_SWEEP, this.#arena.top);
    for (let o = head; o < headEnd; o += LINE) x ^= i32[o >> 2];
    const log = this.#log;
    const top = i32[(head >> 2) + HEAD_OWNER_WORD];
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
    for (let r = this.#arena.i32[(head >> 2) + this.#logWord] - 1; r >= 0; ) {
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
    const i32 = this.#arena.i32;
    this.#log[i + 2] = i32[w];
    this.#logLength = i + RECORD_WORDS;
    i32[w] = i / RECORD_WORDS + 1;
  }
}
