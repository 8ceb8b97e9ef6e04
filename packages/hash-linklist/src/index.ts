export { GuardedCursor, type GuardedSource } from './cursor.js';
export { BucketLists } from './lists.js';
export {
  createTable,
  DEFAULT_LINKLIST_BLOCK_SIZE,
  DEFAULT_SKIP_LIST_THRESHOLD,
  type HashLinkListHandle,
  type HashLinkListOptions,
  HashLinkListTable,
  INITIAL_BUCKET_COUNT,
  MAX_BUCKET_COUNT,
  MAX_SKIP_LIST_THRESHOLD,
  MERGE_MAX_BUCKETS,
  maxInsertBytes,
  SKIP_MAX_HEIGHT,
} from './table.js';
