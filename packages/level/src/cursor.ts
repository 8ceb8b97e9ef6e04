import { compareBytes, type RangeOptions } from '@memrep/core';
import type { MergedTables } from '@memrep/lsm';

/**
 * A key range in one normal form. `lower`/`upper` undefined mean unbounded; abstract-level's
 * rule that `gte` wins over `gt` and `lte` over `lt` is applied before this.
 */
export interface KeyRange {
  lower: Uint8Array | undefined;
  lowerExclusive: boolean;
  upper: Uint8Array | undefined;
  upperExclusive: boolean;
  reverse: boolean;
}

/** What a cursor reads of each live key. */
export type CursorMode = 'entries' | 'keys' | 'values';

/**
 * The live keys of one merged view (`MergedTables`: memtables and sorted runs) as of one
 * snapshot, through lsm's merged reads and core's visibility layer, with abstract-level's
 * `seek`: a seek starts a new read of the same view at the target, so the tables and snapshot
 * stay the ones the cursor was made with.
 */
export class LevelCursor {
  key: Uint8Array | undefined = undefined;
  value: Uint8Array | undefined = undefined;
  readonly #view: MergedTables;
  readonly #range: KeyRange;
  readonly #snapshot: number;
  readonly #mode: CursorMode;
  /** Kept after the end and after release: the last cursor keeps its classes alive (see MemrepLevel#last). */
  #it: Iterator<unknown>;
  #done = false;

  constructor(view: MergedTables, snapshot: number, range: KeyRange, mode: CursorMode) {
    this.#view = view;
    this.#range = range;
    this.#snapshot = snapshot;
    this.#mode = mode;
    this.#it = this.#read(rangeOptions(range, snapshot));
  }

  /** Moves to the next live key; false at the end of the range. */
  next(): boolean {
    if (this.#done) return false;
    const r = this.#it.next();
    if (r.done === true) {
      this.#done = true;
      return false;
    }
    const mode = this.#mode;
    if (mode === 'entries') {
      const pair = r.value as [Uint8Array, Uint8Array];
      this.key = pair[0];
      this.value = pair[1];
    } else if (mode === 'keys') this.key = r.value as Uint8Array;
    else this.value = r.value as Uint8Array;
    return true;
  }

  /**
   * Repositions at the first key >= target (<= target when reversed). A target outside the
   * range ends the walk, as in memory-level.
   */
  seek(target: Uint8Array): void {
    const range = this.#range;
    if (!inRange(range, target)) {
      this.#done = true;
      return;
    }
    const options = rangeOptions(range, this.#snapshot);
    if (range.reverse) {
      options.lt = undefined;
      options.lte = target;
    } else {
      options.gt = undefined;
      options.gte = target;
    }
    this.#it = this.#read(options);
    this.#done = false;
  }

  release(): void {
    this.#done = true;
  }

  #read(options: RangeOptions): Iterator<unknown> {
    const view = this.#view;
    const snapshot = this.#snapshot;
    if (this.#mode === 'entries') return view.range(options, snapshot);
    if (this.#mode === 'keys') return view.keys(options, snapshot);
    return view.values(options, snapshot);
  }
}

function rangeOptions(range: KeyRange, snapshot: number): RangeOptions {
  const options: RangeOptions = { snapshot, reverse: range.reverse };
  if (range.lower !== undefined) {
    if (range.lowerExclusive) options.gt = range.lower;
    else options.gte = range.lower;
  }
  if (range.upper !== undefined) {
    if (range.upperExclusive) options.lt = range.upper;
    else options.lte = range.upper;
  }
  return options;
}

/** Whether `key` lies inside both bounds of `range`. */
function inRange(range: KeyRange, key: Uint8Array): boolean {
  if (range.lower !== undefined) {
    const c = compareBytes(key, range.lower);
    if (c < 0 || (c === 0 && range.lowerExclusive)) return false;
  }
  if (range.upper !== undefined) {
    const c = compareBytes(key, range.upper);
    if (c > 0 || (c === 0 && range.upperExclusive)) return false;
  }
  return true;
}
