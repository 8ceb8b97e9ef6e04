import {
  Arena,
  bytesAt,
  type Capabilities,
  compareEntries,
  compareInternal,
  compareKeyToEntry,
  duplicateSeqError,
  type RawCursor,
  TableBase,
  type TableOptions,
  writeEntry,
} from '@memrep/core/backend';

/**
 * The smallest correct backend: entry records in the arena and a sorted JavaScript array of
 * their offsets, found by binary search. It proves the conformance suite (every test passes on
 * it) and is the model a new backend is checked against. Not fast, and not meant to be.
 */
export class ReferenceTable extends TableBase {
  /** Offsets of every entry, in internal order. */
  readonly order: number[] = [];

  constructor(options?: TableOptions) {
    super(new Arena(options), options);
  }

  get capabilities(): Capabilities {
    return { share: false, shareRequiresFrozen: false, concurrentWrites: false };
  }

  /** Index of the first entry at or after (key, seq) in internal order. */
  lowerBound(key: Uint8Array, seq: number): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareInternal(key, seq, this.arena, this.order[mid]) > 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the entry at `off`, found by its (key, seq). */
  indexOf(off: number): number {
    const { bytes, i32, f64 } = this.arena;
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(bytes, i32, f64, this.order[mid], off, 0) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  protected insertEntry(
    keyBytes: Uint8Array,
    keyOffset: number,
    keyLength: number,
    valueBytes: Uint8Array | undefined,
    valueOffset: number,
    valueLength: number,
    seq: number,
  ): void {
    const key = bytesAt(keyBytes, keyOffset, keyLength);
    const value = valueBytes && bytesAt(valueBytes, valueOffset, valueLength);
    const at = this.lowerBound(key, seq);
    if (at < this.order.length && compareInternal(key, seq, this.arena, this.order[at]) === 0) {
      throw duplicateSeqError(key, seq);
    }
    const off = writeEntry(this.arena, 0, key, value, seq);
    this.order.splice(at, 0, off);
  }

  protected findEntry(key: Uint8Array, snapshot: number): number {
    const at = this.lowerBound(key, snapshot);
    if (at >= this.order.length) return 0;
    const off = this.order[at];
    return compareKeyToEntry(key, this.arena, off) === 0 ? off : 0;
  }

  /** A cursor over the sorted array of entry offsets. */
  protected openRawCursor(): RawCursor {
    return new ReferenceCursor(this);
  }

  protected override indexMemory(): number {
    return this.order.length * 8;
  }
}

class ReferenceCursor implements RawCursor {
  entry = 0;
  readonly arena: Arena;
  readonly #table: ReferenceTable;

  constructor(table: ReferenceTable) {
    this.arena = table.arena;
    this.#table = table;
  }

  first(): void {
    this.#at(0);
  }

  last(): void {
    this.#at(this.#table.order.length - 1);
  }

  seek(key: Uint8Array, seq: number): void {
    this.#at(this.#table.lowerBound(key, seq));
  }

  seekForPrev(key: Uint8Array, seq: number): void {
    const at = this.#table.lowerBound(key, seq);
    const order = this.#table.order;
    if (at < order.length && compareInternal(key, seq, this.#table.arena, order[at]) === 0) {
      this.#at(at);
    } else this.#at(at - 1);
  }

  next(): void {
    if (this.entry !== 0) this.#at(this.#table.indexOf(this.entry) + 1);
  }

  prev(): void {
    if (this.entry !== 0) this.#at(this.#table.indexOf(this.entry) - 1);
  }

  #at(index: number): void {
    const order = this.#table.order;
    this.entry = index >= 0 && index < order.length ? order[index] : 0;
  }
}
