/**
 * The user's contract: what a user of a memrep table needs (the `Table`/`TableMut` types,
 * errors, `WriteBatch`, bytewise compare and prefix helpers, the limits). A backend author
 * builds on the kit, `@memrep/core/backend`.
 */
export type { ArenaHandle } from './arena.js';
export { DEFAULT_BLOCK_SIZE, DEFAULT_MAX_SIZE, MAX_ARENA_SIZE } from './arena.js';
export { compareBytes, hasPrefix, prefixSuccessor } from './bytes.js';
export { MAX_KEY_LENGTH, MAX_VALUE_LENGTH, SEQ_LIMIT } from './entry.js';
export {
  isMemrepError,
  MemrepError,
  type MemrepErrorCode,
  MemrepRangeError,
  MemrepTypeError,
} from './errors.js';
export type { TableHandle } from './table-base.js';
export type * from './types.js';
export { WriteBatch } from './write-batch.js';
