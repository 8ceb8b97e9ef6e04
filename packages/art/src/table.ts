import type { Capabilities, TableOptions } from '@memrep/core';
import {
  Arena,
  AttachSlot,
  type RawCursor,
  TableBase,
  type TableHandle,
  unsupported,
} from '@memrep/core/backend';
import { ZONE_CHUNK_SIZE, zoneStates, zoneWord } from '@memrep/skiplist';
import { ArtTree, maxInsertBytes, type TreeStats } from './tree.js';

/** Options of `createTable`: the arena's and the table's (the tree has none of its own). */
export type ArtOptions = TableOptions;

/** The structured-clonable handle `share()` returns, for `ArtTable.attach` in a worker. */
export interface ArtHandle extends TableHandle {
  /** Offset of the tree header (root slot, generation) in the arena. */
  readonly tree: number;
}

/**
 * The most bytes a zone takes at once for its leaves: half the skip list's chunk. The last chunk
 * of every zone is partly empty when the fill stops; at 1M random keys half the chunk took
 * 0.28 B/entry off that (8 KiB still holds 60 leaves in key order).
 */
const LEAF_CHUNK_SIZE = ZONE_CHUNK_SIZE / 2;

const CAPABILITIES: Capabilities = Object.freeze({
  share: true,
  shareRequiresFrozen: false,
  concurrentWrites: false,
});
/** Over unshared memory (`shared: false`, or no SharedArrayBuffer here) nothing can be shared. */
const UNSHARED: Capabilities = Object.freeze({
  share: false,
  shareRequiresFrozen: false,
  concurrentWrites: false,
});

/** Holds the handle while `ArtTable.attach` runs the constructor. */
const attaching = new AttachSlot<ArtHandle>('ArtTable.share()');

/**
 * The fast ordered memtable: an adaptive radix tree (Node4, 19, 24, 32, 48, 256, path compression) in
 * the arena, with 32-bit offsets, any byte keys (a key that is a prefix of others included), a
 * version list per key, and lock-free readers in other threads through `share()` /
 * `ArtTable.attach()`.
 *
 * Thread safety: one writer; any number of readers in the writer's thread or, through
 * `attach`, in worker threads. Attached tables are read-only (`MEMREP_READ_ONLY`).
 */
export class ArtTable extends TableBase {
  /** The tree this table runs over its arena. */
  readonly tree: ArtTree;

  constructor(options?: ArtOptions) {
    const handle = attaching.take();
    if (handle === undefined) {
      super(new Arena(options), options);
      // The writer places leaves in the skip list's key-range zones.
      this.tree = new ArtTree(this.arena, 0, false, zoneStates(), LEAF_CHUNK_SIZE);
    } else {
      super(Arena.attach(handle.arena), undefined, handle);
      this.tree = new ArtTree(this.arena, handle.tree, true);
    }
  }

  get capabilities(): Capabilities {
    return this.arena.shared ? CAPABILITIES : UNSHARED;
  }

  /** A structured-clonable handle to post to a worker thread. Needs SharedArrayBuffer. */
  override share(options?: { writable?: boolean }): ArtHandle {
    if (options?.writable === true) {
      throw unsupported(
        'ArtTable cannot be written from several threads at once (concurrentWrites)',
      );
    }
    const handle = { ...this.tableHandle(), tree: this.tree.header };
    this.tree.stopReuse();
    return handle;
  }

  /** A read-only table over the memory of a shared one, for any thread. */
  static attach(handle: ArtHandle): ArtTable {
    return attaching.attach(
      handle,
      (h) => Number.isInteger(h.tree) && h.tree > 0 && typeof h.arena === 'object',
      () => new ArtTable(),
    );
  }

  /** Inner nodes by kind and the nodes outgrown by growth or splits (the writer's count). */
  treeStats(): TreeStats {
    return this.tree.stats();
  }

  /** The base's `insertEntry`: a batch's records are inserted from its encoding, no view each. */
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
    const zone = zoneWord(key, this.count, keyOffset, keyLength);
    this.tree.insert(key, keyOffset, keyLength, value, valueOffset, valueLength, seq, fresh, zone);
  }

  /**
   * The tree's worst insert (`maxInsertBytes`). A leaf zone's chunk is not counted: it opens
   * only when it fits beside the room the rest of the write needs (`Arena.held`).
   */
  protected override maxInsertBytes(keyLength: number, valueLength: number): number {
    return maxInsertBytes(keyLength, valueLength);
  }

  protected findEntry(key: Uint8Array, snapshot: number): number {
    return this.tree.find(key, snapshot);
  }

  /** A cursor over every version in internal order, re-finding its place after node replacements. */
  protected openRawCursor(): RawCursor {
    return this.tree.openCursor();
  }
}

/** A new, empty adaptive-radix-tree memtable; `createTable()` alone works. */
export function createTable(options?: ArtOptions): ArtTable {
  return new ArtTable(options);
}
