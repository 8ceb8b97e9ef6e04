import { Arena, type ArenaOptions } from '@memrep/core';

/** Word index, relative to `head >> 2`, of the two head words the skip-list core leaves free. */
const CHUNK_STATE_WORD = 2;
/** Largest chunk: a bucket never reserves more than this ahead of its entries. */
export const MAX_CHUNK_SIZE = 4 * 1024;

/**
 * The writer's arena: while `bucket` is set (during an insert into a bucket that already holds
 * an entry), allocations come from that bucket's chunks (`Arena.allocateGrouped`), so that a
 * bucket's entries lie together and a walk of one bucket touches few pages. The chunk's state
 * lives in the bucket head's two free words.
 */
export class BucketArena extends Arena {
  /** Head of the bucket being written, or 0: allocate as a plain arena. */
  bucket = 0;

  constructor(options?: ArenaOptions) {
    super(options);
  }

  override allocate(size: number): number {
    const head = this.bucket;
    if (head === 0) return super.allocate(size);
    return this.allocateGrouped(size, null, (head >> 2) + CHUNK_STATE_WORD, MAX_CHUNK_SIZE);
  }
}
