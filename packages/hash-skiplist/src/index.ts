export { ChunkLog } from './chunks.js';
export { BucketCursor, type BucketSource, type HeadList, openMergeCursor } from './merge.js';
export {
  buildSortedOrder,
  DELTA_MIN,
  IndexCursor,
  LiveOrder,
  type OrderSource,
  type SortedOrder,
} from './order.js';
export {
  bucketOfPrefix,
  bucketOfPrefixAt,
  commonPrefixLength,
  extractPrefixLength,
  extractPrefixLengthAt,
  type PrefixExtractor,
  readPrefix,
  resolvePrefixExtractor,
  singleBucketPrefixLength,
} from './prefix.js';
export {
  createTable,
  DEFAULT_HASH_BLOCK_SIZE,
  defaultBlockSize,
  defaultBucketCount,
  defaultBucketMaxHeight,
  type HashSkipListHandle,
  type HashSkipListOptions,
  HashSkipListTable,
  MAX_BUCKET_COUNT,
  MAX_BUCKET_HEIGHT,
  MERGE_MAX_BUCKETS,
  SHARED_CHUNK_GROUPS,
  SHARED_MAX_CHUNK_SIZE,
  UNSIZED_BUCKET_COUNT,
} from './table.js';
