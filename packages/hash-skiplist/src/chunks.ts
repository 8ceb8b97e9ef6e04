import { Arena, type ArenaOptions } from '@memrep/core';

/** Word indexes, relative to `head >> 2`, of the two head words the skip-list core leaves free. */
const CHUNK_TOP_WORD = 2;
const CHUNK_END_WORD = 3;
/** Largest chunk: a bucket never reserves more than this ahead of its entries. */
export const MAX_CHUNK_SIZE = 4 * 1024;

/**
 * The writer's arena: while `bucket` is set (during an insert into a bucket that already holds
 * an entry), allocations come from that bucket's chunk, a run of arena bytes reserved for it,
 * so that a bucket's entries lie together and a walk of one bucket touches few pages. A chunk
 * holds 2^k entries of the size that opened it (k = 0, 1, 2, ... up to MAX_CHUNK_SIZE), so a
 * bucket of n entries reserves less than 2n entries' worth; a one-entry bucket none.
 *
 * The chunk's top and end live in the bucket head's two free words; the end's low three bits
 * (offsets are 8-aligned) count the chunks opened so far, up to 7.
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
    const hw = head >> 2;
    let i32 = this.i32;
    const aligned = (size + 7) & ~7;
    const top = i32[hw + CHUNK_TOP_WORD];
    const endWord = i32[hw + CHUNK_END_WORD];
    const end = endWord & ~7;
    if (top !== 0 && top + aligned <= end) {
      i32[hw + CHUNK_TOP_WORD] = top + aligned;
      return top;
    }
    const opened = endWord & 7;
    let chunk = aligned << opened;
    if (chunk > MAX_CHUNK_SIZE) chunk = aligned > MAX_CHUNK_SIZE ? aligned : MAX_CHUNK_SIZE;
    if (!this.fits(chunk)) chunk = aligned;
    const offset = super.allocate(chunk);
    i32 = this.i32;
    i32[hw + CHUNK_TOP_WORD] = offset + aligned;
    i32[hw + CHUNK_END_WORD] = (offset + chunk) | (opened < 7 ? opened + 1 : 7);
    return offset;
  }
}
