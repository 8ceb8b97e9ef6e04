import { Arena, type ArenaOptions } from '@memrep/core';

/** Most zones: 2^10 (their chunk state is 8 KiB of writer-side words). */
export const MAX_ZONE_BITS = 10;
/** A table gets one zone per this many entries (rounded down to a power of two), none below. */
export const ZONE_ENTRIES = 8192;
/** Largest chunk a zone reserves ahead of its nodes. */
export const ZONE_CHUNK_SIZE = 16 * 1024;

/**
 * The writer's arena of a skip list: places the nodes of one key range together.
 *
 * Nodes are allocated as they are inserted, so with random keys the nodes that follow each other
 * in key order lie anywhere in the arena, and a scan of a large table misses the TLB on almost
 * every node. A zone is a range of keys (the top bits of their first two bytes); once `enter`
 * has picked one, allocations come from that zone's chunks (`Arena.allocateGrouped`), so a scan
 * walks one zone's few hundred pages at a time. The number of zones doubles as the table does
 * (one per `ZONE_ENTRIES` entries), so the chunks the zones hold open stay below a byte per
 * entry; when a zone splits, its lower half goes on filling its chunk.
 *
 * Zones are a placement hint only: nothing reads them back, readers never see them, and keys
 * that share their first bytes simply share a zone (the plain arena's placement, in chunks).
 */
export class ZonedArena extends Arena {
  /** Word of the current zone's chunk state in `#state`, or -1: allocate as a plain arena. */
  #word = -1;
  readonly #state = new Int32Array(2 << MAX_ZONE_BITS);

  constructor(options?: ArenaOptions) {
    super(options);
  }

  /**
   * Routes the next allocations to the zone of `key`, for a table that holds `count` entries
   * (to no zone, a plain arena, below two zones' worth of entries). The writer calls it before
   * each insert; nothing else allocates after the list head.
   */
  enter(key: Uint8Array, count: number): void {
    const bits = 31 - Math.clz32((count / ZONE_ENTRIES) | 0);
    if (bits <= 0) {
      this.#word = -1;
      return;
    }
    const b = bits < MAX_ZONE_BITS ? bits : MAX_ZONE_BITS;
    const k = key.length;
    const top16 = k >= 2 ? (key[0] << 8) | key[1] : k === 1 ? key[0] << 8 : 0;
    this.#word = ((top16 >>> (16 - b)) << (MAX_ZONE_BITS - b)) << 1;
  }

  override allocate(size: number): number {
    const word = this.#word;
    if (word < 0) return super.allocate(size);
    return this.allocateGrouped(size, this.#state, word, ZONE_CHUNK_SIZE);
  }
}
