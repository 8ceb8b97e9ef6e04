import { compareKeyToArena, copyFromWords } from './bytes.js';
import {
  entryKey,
  entryKeyLength,
  entryKeyOffset,
  entrySeq,
  entryValue,
  entryValueLength,
  TOMBSTONE,
} from './entry.js';
import { invalidArgument, MemrepError, MemrepRangeError } from './errors.js';
import type { RawCursor } from './raw-cursor.js';
import type { Cursor, EntryKind } from './types.js';
import { assertBytes } from './validate.js';
import { MAX_SEQ } from './visibility.js';

/** Bytes from which a copy-out stores four bytes at a time through a DataView over its target. */
const COPY_VIEW_MIN = 32;

/**
 * The public `Cursor`: a raw cursor that skips entries above its snapshot, and nothing else
 * (point tombstones and entries under a range tombstone are walked, as a flush needs). Reads
 * entry bytes from `raw.arena`, so it runs over a merging raw cursor as over one table's.
 */
export class SnapshotCursor implements Cursor {
  readonly #raw: RawCursor;
  readonly #snapshot: number;
  /** The last target a long copy went to, and a DataView over it (see `#copy`). */
  #target: Uint8Array | null = null;
  #targetView: DataView | null = null;

  constructor(raw: RawCursor, snapshot: number) {
    this.#raw = raw;
    this.#snapshot = snapshot;
  }

  /** Whether the cursor is on an entry; the other getters require it. */
  get valid(): boolean {
    return this.#raw.entry !== 0;
  }

  /** A zero-copy view of the current entry's key bytes. */
  get key(): Uint8Array {
    return entryKey(this.#raw.arena, this.#current());
  }

  /** The current entry's seq; never above the cursor's snapshot. */
  get seq(): number {
    return entrySeq(this.#raw.arena.f64, this.#current());
  }

  /** `'delete'` for a tombstone record, else `'put'`. */
  get kind(): EntryKind {
    return this.#raw.arena.i32[(this.#current() >> 2) + 1] === TOMBSTONE ? 'delete' : 'put';
  }

  /** A zero-copy view of the current entry's value bytes; undefined for a tombstone. */
  get value(): Uint8Array | undefined {
    return entryValue(this.#raw.arena, this.#current());
  }

  get keyLength(): number {
    return this.#raw.arena.i32[this.#current() >> 2] >>> 6;
  }

  get valueLength(): number {
    const length = this.#raw.arena.i32[(this.#current() >> 2) + 1];
    return length === TOMBSTONE ? 0 : length;
  }

  copyKey(target: Uint8Array, offset = 0): number {
    const off = this.#current();
    const i32 = this.#raw.arena.i32;
    return this.#copy(entryKeyOffset(i32, off), entryKeyLength(i32, off), target, offset);
  }

  copyValue(target: Uint8Array, offset = 0): number {
    const off = this.#current();
    const i32 = this.#raw.arena.i32;
    const length = entryValueLength(i32, off);
    const at = entryKeyOffset(i32, off) + entryKeyLength(i32, off);
    return this.#copy(at, length === TOMBSTONE ? 0 : length, target, offset);
  }

  compareKey(key: Uint8Array): number {
    assertBytes(key, 'key');
    const off = this.#current();
    const arena = this.#raw.arena;
    const i32 = arena.i32;
    const c = compareKeyToArena(
      key,
      arena.bytes,
      entryKeyOffset(i32, off),
      entryKeyLength(i32, off),
    );
    return 0 - c;
  }

  /** Moves to the smallest key's newest entry at or below the snapshot; invalid if none. */
  first(): void {
    this.#raw.first();
    this.#skipForward();
  }

  /** Moves to the largest key's oldest entry at or below the snapshot; invalid if none. */
  last(): void {
    this.#raw.last();
    this.#skipBackward();
  }

  seek(key: Uint8Array): void {
    assertBytes(key, 'key');
    this.#raw.seek(key, MAX_SEQ);
    this.#skipForward();
  }

  seekForPrev(key: Uint8Array): void {
    assertBytes(key, 'key');
    this.#raw.seekForPrev(key, -1);
    this.#skipBackward();
  }

  /** Steps to the next entry at or below the snapshot (key asc, seq desc); no-op unless `valid`. */
  next(): void {
    if (this.#raw.entry === 0) return;
    this.#raw.next();
    this.#skipForward();
  }

  /** Steps back to the previous entry at or below the snapshot; a no-op unless `valid`. */
  prev(): void {
    if (this.#raw.entry === 0) return;
    this.#raw.prev();
    this.#skipBackward();
  }

  #current(): number {
    const off = this.#raw.entry;
    if (off === 0) {
      throw new MemrepError('MEMREP_INVALID_CURSOR', 'the cursor is not positioned on an entry');
    }
    return off;
  }

  /**
   * Copies `length` bytes at `at` of the current entry's arena into `target` at `offset`;
   * returns `length`. A target that cannot hold them is a `RangeError`
   * (`MEMREP_INVALID_ARGUMENT`) with nothing written. A copy of COPY_VIEW_MIN bytes or more
   * into the same target as the last such copy (a flush copies every value into one output
   * buffer) stores four bytes at a time through a DataView over it, made on the second copy
   * and kept; a copy into another target stores bytes. So a caller that copies each entry
   * into a fresh target allocates nothing either.
   */
  #copy(at: number, length: number, target: Uint8Array, offset: number): number {
    assertBytes(target, 'target');
    if (!Number.isInteger(offset) || offset < 0) {
      throw invalidArgument(`offset must be a non-negative integer; got ${String(offset)}`);
    }
    if (offset + length > target.length) {
      throw new MemrepRangeError(
        `the target holds ${target.length - Math.min(offset, target.length)} bytes from offset ` +
          `${offset}; this copy needs ${length}`,
        'MEMREP_INVALID_ARGUMENT',
      );
    }
    let view: DataView | null = null;
    if (length >= COPY_VIEW_MIN) {
      if (target !== this.#target) {
        this.#target = target;
        this.#targetView = null;
      } else {
        view = this.#targetView;
        if (view === null || view.byteLength !== target.byteLength) {
          view = new DataView(target.buffer, target.byteOffset, target.byteLength);
          this.#targetView = view;
        }
      }
    }
    const arena = this.#raw.arena;
    copyFromWords(arena.bytes, arena.i32, at, length, target, offset, view);
    return length;
  }

  #skipForward(): void {
    const raw = this.#raw;
    const snapshot = this.#snapshot;
    while (raw.entry !== 0 && entrySeq(raw.arena.f64, raw.entry) > snapshot) raw.next();
  }

  #skipBackward(): void {
    const raw = this.#raw;
    const snapshot = this.#snapshot;
    while (raw.entry !== 0 && entrySeq(raw.arena.f64, raw.entry) > snapshot) raw.prev();
  }
}
