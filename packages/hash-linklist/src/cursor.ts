import { type Arena, entryKey, entrySeq, type RawCursor } from '@memrep/core/backend';

/** What a `GuardedCursor` asks its table for. */
export interface GuardedSource {
  /** The table's arena: every entry offset a cursor yields lies in it. */
  readonly arena: Arena;
  /** The directory generation now (odd while the writer relinks the buckets). */
  readonly generation: number;
  /** The current generation once it is even: a reader in another thread waits out a relink. */
  stableGeneration(): number;
  /** A cursor over the current directory: one bucket (`prefix`) or every bucket. */
  openInner(prefix: Uint8Array | undefined, prefixLength: number, snapshot: number): RawCursor;
}

const FIRST = 0;
const LAST = 1;
const SEEK = 2;
const SEEK_FOR_PREV = 3;

/**
 * A raw cursor that survives directory growths and list-to-skip-list conversions.
 *
 * The cursors it wraps (one bucket's, hash-skiplist's merge and index cursors) hold bucket heads
 * and follow next links; a growth relinks every list in place, and a conversion changes what
 * a slot names. Both change the table's generation. Every move checks it: unchanged, the inner
 * cursor moves; changed, a fresh inner cursor over the current directory is positioned from
 * the entry this one is on, by its (key, seq), which never changes. A reader in another thread
 * also checks the generation after the move (a seqlock): a move that raced with a relink may
 * have read half-relinked lists, so it is redone. Positions are entry offsets, which nothing
 * moves, so the walk goes on where it was.
 */
export class GuardedCursor implements RawCursor {
  entry = 0;
  readonly arena: Arena;
  readonly #source: GuardedSource;
  readonly #prefix: Uint8Array | undefined;
  readonly #prefixLength: number;
  readonly #snapshot: number;
  #inner: RawCursor;
  #generation: number;

  constructor(
    source: GuardedSource,
    prefix: Uint8Array | undefined,
    prefixLength: number,
    snapshot: number,
  ) {
    this.arena = source.arena;
    this.#source = source;
    this.#prefix = prefix;
    this.#prefixLength = prefixLength;
    this.#snapshot = snapshot;
    this.#generation = source.stableGeneration();
    this.#inner = source.openInner(prefix, prefixLength, snapshot);
  }

  first(): void {
    this.#position(FIRST, undefined, 0);
  }

  last(): void {
    this.#position(LAST, undefined, 0);
  }

  seek(key: Uint8Array, seq: number): void {
    this.#position(SEEK, key, seq);
  }

  seekForPrev(key: Uint8Array, seq: number): void {
    this.#position(SEEK_FOR_PREV, key, seq);
  }

  next(): void {
    this.#step(true);
  }

  prev(): void {
    this.#step(false);
  }

  #position(op: number, key: Uint8Array | undefined, seq: number): void {
    const source = this.#source;
    for (;;) {
      const g = this.#current();
      const inner = this.#inner;
      if (op === FIRST) inner.first();
      else if (op === LAST) inner.last();
      else if (op === SEEK) inner.seek(key as Uint8Array, seq);
      else inner.seekForPrev(key as Uint8Array, seq);
      if (source.generation === g) {
        this.entry = inner.entry;
        return;
      }
      this.#generation = -1;
    }
  }

  #step(forward: boolean): void {
    const cur = this.entry;
    if (cur === 0) return;
    const source = this.#source;
    for (;;) {
      const g = source.stableGeneration();
      if (g === this.#generation) {
        if (forward) this.#inner.next();
        else this.#inner.prev();
      } else {
        this.#reopen(g);
        // The entries right after (before) the current one: its key with a lower (higher) seq.
        const key = entryKey(this.arena, cur);
        const seq = entrySeq(this.arena.f64, cur);
        if (forward) this.#inner.seek(key, seq - 1);
        else this.#inner.seekForPrev(key, seq + 1);
      }
      if (source.generation === g) {
        this.entry = this.#inner.entry;
        return;
      }
      this.#generation = -1;
    }
  }

  /** The generation to move in, with an inner cursor made in it. */
  #current(): number {
    const g = this.#source.stableGeneration();
    if (g !== this.#generation) this.#reopen(g);
    return g;
  }

  #reopen(g: number): void {
    this.#inner = this.#source.openInner(this.#prefix, this.#prefixLength, this.#snapshot);
    this.#generation = g;
  }
}
