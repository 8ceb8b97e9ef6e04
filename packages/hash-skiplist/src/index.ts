export { ChunkLog } from './chunks.js';
export { BucketCursor, openMergeCursor } from './merge.js';
export { IndexCursor, type SortedOrder } from './order.js';
export type { PrefixExtractor } from './prefix.js';
export {
  createTable,
  defaultBucketCount,
  defaultBucketMaxHeight,
  type HashSkipListHandle,
  type HashSkipListOptions,
  HashSkipListTable,
  MAX_BUCKET_COUNT,
  MAX_BUCKET_HEIGHT,
  MERGE_MAX_BUCKETS,
} from './table.js';
