import type { Arena } from './arena.js';

/**
 * What a backend implements: a positional cursor over every entry record (all versions and
 * tombstones) in internal order, key ascending then seq descending. `entry` is the record's
 * arena offset, 0 when unpositioned. It never filters by snapshot; the base does that.
 *
 * `arena` is the arena `entry` lies in: one table's arena for a backend's cursor, the current
 * child's for a cursor that merges tables (so one visibility layer reads either).
 *
 * REQUIRES: positions stay valid while writes go on (the base relies on it for iterators).
 */
export interface RawCursor {
  /** The arena offset of the entry record at the position; 0 when unpositioned. */
  readonly entry: number;
  /** The arena `entry` lies in. */
  readonly arena: Arena;
  /** Positions at the first entry in internal order (`entry` 0 when there is none). */
  first(): void;
  /** Positions at the last entry in internal order (`entry` 0 when there is none). */
  last(): void;
  /** First entry at or after (key, seq): key greater, or key equal and entry seq <= seq. */
  seek(key: Uint8Array, seq: number): void;
  /** Last entry at or before (key, seq): key less, or key equal and entry seq >= seq. */
  seekForPrev(key: Uint8Array, seq: number): void;
  /** The next entry in internal order; past the last, unpositioned. REQUIRES: positioned. */
  next(): void;
  /** The previous entry in internal order; before the first, unpositioned. REQUIRES: positioned. */
  prev(): void;
}
