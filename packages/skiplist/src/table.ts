import {
  Arena,
  AttachSlot,
  bytesAt,
  type Capabilities,
  entrySize,
  invalidArgument,
  type RawCursor,
  TableBase,
  type TableHandle,
  type TableOptions,
} from '@memrep/core/backend';
import { type Branching, DEFAULT_BRANCHING, resolveBranching, SkipListCore } from './core.js';
import { ZONE_CHUNK_SIZE, zoneStates, zoneWord } from './zones.js';

/** Smallest and largest `maxHeight` a table accepts. */
export const MIN_TABLE_HEIGHT = 12;
export const MAX_TABLE_HEIGHT = 20;

/**
 * Default tallest tower for a branching: 20 when towers above level 1 climb at 1/2, 12 when
 * at 1/4. Either indexes the largest arena (2 GiB of 64-byte entries, 33M) with at most a few
 * dozen nodes on the top level; a lower cap makes the top level a long list.
 */
export function defaultMaxHeight(branching: Branching = DEFAULT_BRANCHING): number {
  return resolveBranching(branching)[1] === 2 ? MAX_TABLE_HEIGHT : MIN_TABLE_HEIGHT;
}

/** Options of `createTable`: the arena's, the table's, then the skip list's. */
export interface SkipListOptions extends TableOptions {
  /**
   * Tower growth: 2, 4, or `[base, upper]` (default `[4, 2]`: a tower reaches level 1 with
   * probability 1/4 and each level above with 1/2; measured 1.25x faster reads than uniform 4
   * for 1.3 more bytes an entry, uniform 2 costs 4 more again for 5% more speed).
   */
  branching?: Branching;
  /** Tallest tower, an integer in [12, 20] (default 20, or 12 when `branching` is 4). */
  maxHeight?: number;
}

/** The structured-clonable handle `share()` returns, for `SkipListTable.attach` in a worker. */
export interface SkipListHandle extends TableHandle {
  readonly head: number;
  readonly maxHeight: number;
  readonly branching: readonly [2 | 4, 2 | 4];
}

const CAPABILITIES: Capabilities = Object.freeze({
  share: true,
  shareRequiresFrozen: false,
  concurrentWrites: true,
});
/** Over unshared memory (`shared: false`, or no SharedArrayBuffer here) nothing can be shared. */
const UNSHARED: Capabilities = Object.freeze({
  share: false,
  shareRequiresFrozen: false,
  concurrentWrites: false,
});

/** Options of `SkipListTable.share`. */
export interface ShareOptions {
  /**
   * The handle's `attach` returns a `TableMut`: threads write the table at once, lock-free
   * (CONTRACT.md, "Concurrent writers"). From then on this table writes through the shared path too.
   * Default false: a read-only view.
   */
  writable?: boolean;
}

/** Holds the handle while `SkipListTable.attach` runs the constructor. */
const attaching = new AttachSlot<SkipListHandle>('SkipListTable.share()');

/**
 * The flagship memtable: an arena skip list with a 4-byte key prefix cached beside every tower
 * link above level 0, a splice for near-sequential inserts, and lock-free readers in other
 * threads through `share()` / `SkipListTable.attach()`.
 *
 * Thread safety: one writer; any number of readers in the writer's thread or, through
 * `attach`, in worker threads. Attached tables are read-only (`MEMREP_READ_ONLY`), unless
 * shared with `share({ writable: true })`: then every thread holding the table writes at once
 * (`SkipListCore.insertShared`), seqs come from one shared counter and `lastSeq` passes them in
 * order, so a default snapshot sees writes in seq order and batches whole.
 */
export class SkipListTable extends TableBase {
  /** The skip-list operations this table runs over its arena. */
  readonly list: SkipListCore;
  /** Offset of the list head in the arena. */
  readonly head: number;
  readonly maxHeight: number;
  /** `[base, upper]`: see `Branching`. */
  readonly branching: readonly [2 | 4, 2 | 4];
  /** The writer's zone chunk states (see zones.ts); empty in an attached reader. */
  readonly #zones: Int32Array;
  /** Writes are shared with other threads: inserts go through `insertShared`. */
  #shared = false;

  constructor(options?: SkipListOptions) {
    const handle = attaching.take();
    if (handle === undefined) {
      const branching = resolveBranching(options?.branching ?? DEFAULT_BRANCHING);
      const maxHeight = options?.maxHeight ?? defaultMaxHeight(branching);
      if (
        !Number.isInteger(maxHeight) ||
        maxHeight < MIN_TABLE_HEIGHT ||
        maxHeight > MAX_TABLE_HEIGHT
      ) {
        throw invalidArgument(
          `maxHeight must be an integer in [${MIN_TABLE_HEIGHT}, ${MAX_TABLE_HEIGHT}]; ` +
            `got ${String(maxHeight)}`,
        );
      }
      super(new Arena(options), options);
      this.#zones = zoneStates();
      this.maxHeight = maxHeight;
      this.branching = branching;
      this.list = new SkipListCore(this.arena, { branching });
      this.head = this.list.allocateHead(maxHeight);
    } else {
      super(Arena.attach(handle.arena), undefined, handle);
      this.#zones = new Int32Array(0);
      this.#shared = handle.writers !== undefined;
      this.maxHeight = handle.maxHeight;
      this.branching = handle.branching;
      this.list = new SkipListCore(this.arena, { branching: handle.branching, concurrent: true });
      this.head = handle.head;
    }
  }

  get capabilities(): Capabilities {
    return this.arena.shared ? CAPABILITIES : UNSHARED;
  }

  /**
   * A structured-clonable handle to post to a worker thread; `writable: true` makes its
   * `attach` a writer (see `ShareOptions`). Needs SharedArrayBuffer. Throws
   * `MEMREP_READ_ONLY` for `writable` on a read-only view.
   */
  override share(options?: ShareOptions): SkipListHandle {
    let table: TableHandle;
    if (options?.writable === true) {
      table = this.writableTableHandle();
      this.#shared = true;
      this.list.shareWrites();
    } else table = this.tableHandle();
    return {
      ...table,
      head: this.head,
      maxHeight: this.maxHeight,
      branching: this.branching,
    };
  }

  /** A table over the memory of a shared one, for any thread: a writer if the handle is writable. */
  static attach(handle: SkipListHandle): SkipListTable {
    return attaching.attach(
      handle,
      (h) => Number.isInteger(h.head) && h.head > 0 && Array.isArray(h.branching),
      () => new SkipListTable(),
    );
  }

  protected insertEntry(
    key: Uint8Array,
    keyOffset: number,
    keyLength: number,
    value: Uint8Array | undefined,
    valueOffset: number,
    valueLength: number,
    seq: number,
    fresh: boolean,
  ): void {
    if (this.#shared) {
      const v = value && bytesAt(value, valueOffset, valueLength);
      this.list.insertShared(this.head, bytesAt(key, keyOffset, keyLength), v, seq, -1, null, 0);
      return;
    }
    const zone = zoneWord(key, this.count, keyOffset, keyLength);
    this.list.insertAt(
      this.head,
      key,
      keyOffset,
      keyLength,
      value,
      valueOffset,
      valueLength,
      seq,
      fresh,
      zone,
      this.#zones,
      ZONE_CHUNK_SIZE,
    );
  }

  /**
   * A node of the tallest tower. A zone's chunk is not counted: it opens only when it fits
   * beside the room the rest of the write needs (`Arena.held`), else the node is allocated
   * alone (zones.ts).
   */
  protected override maxInsertBytes(keyLength: number, valueLength: number): number {
    return (entrySize(2 * this.maxHeight - 1, keyLength, valueLength) + 7) & ~7;
  }

  protected findEntry(key: Uint8Array, snapshot: number): number {
    return this.list.findNewest(this.head, key, snapshot);
  }

  protected openRawCursor(): RawCursor {
    return this.list.openCursor(this.head);
  }
}

/** A new, empty skip-list memtable; `createTable()` alone works. */
export function createTable(options?: SkipListOptions): SkipListTable {
  return new SkipListTable(options);
}
