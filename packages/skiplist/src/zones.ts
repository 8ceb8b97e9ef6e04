/** Most zones: 2^10 (their chunk state is 8 KiB of writer-side words). */
export const MAX_ZONE_BITS = 10;
/** A table gets one zone per this many entries (rounded down to a power of two), none below. */
export const ZONE_ENTRIES = 8192;
/** Largest chunk a zone reserves ahead of its nodes. */
export const ZONE_CHUNK_SIZE = 16 * 1024;

/**
 * Zones: where a skip list's writer places the nodes of one key range together.
 *
 * Nodes are allocated as they are inserted, so with random keys the nodes that follow each other
 * in key order lie anywhere in the arena, and a scan of a large table misses the TLB on almost
 * every node. A zone is a range of keys (the top bits of their first two bytes); a node of a
 * zone is allocated from that zone's chunks (`Arena.allocateGrouped`, with the zone's state
 * words passed to the insert), so a scan walks one zone's few hundred pages at a time. The
 * number of zones doubles as the table does (one per `ZONE_ENTRIES` entries), so the chunks the
 * zones hold open stay below a byte per entry; when a zone splits, its lower half goes on
 * filling its chunk.
 *
 * Zones are a placement hint only: nothing reads them back, readers never see them, and keys
 * that share their first bytes simply share a zone (the plain arena's placement, in chunks).
 */

/** The writer's chunk state words of every zone (two words a zone; see `Arena.allocateGrouped`). */
export function zoneStates(): Int32Array {
  return new Int32Array(2 << MAX_ZONE_BITS);
}

/**
 * The word, in `zoneStates()`, of the zone of `key` (its `keyLength` bytes at `keyOffset`:
 * default all of it) in a table holding `count` entries; -1 (a plain allocation) below two
 * zones' worth of entries.
 */
export function zoneWord(
  key: Uint8Array,
  count: number,
  keyOffset = 0,
  keyLength = key.length,
): number {
  const bits = 31 - Math.clz32((count / ZONE_ENTRIES) | 0);
  if (bits <= 0) return -1;
  const b = bits < MAX_ZONE_BITS ? bits : MAX_ZONE_BITS;
  const k = keyLength;
  const o = keyOffset;
  const top16 = k >= 2 ? (key[o] << 8) | key[o + 1] : k === 1 ? key[o] << 8 : 0;
  return ((top16 >>> (16 - b)) << (MAX_ZONE_BITS - b)) << 1;
}
