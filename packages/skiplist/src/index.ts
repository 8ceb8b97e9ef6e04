export {
  HEAD_HEIGHT_WORD,
  HEAD_MAX_HEIGHT_WORD,
  headSize,
  MAX_TOWER_HEIGHT,
  NEXT0_WORD,
  nextWord,
  nodeKeyOffset,
  prefixWord,
  SkipListCore,
  type SkipListCoreOptions,
  SkipListCursor,
  towerHeight,
} from './core.js';
export {
  createTable,
  DEFAULT_MAX_HEIGHT,
  MAX_TABLE_HEIGHT,
  MIN_TABLE_HEIGHT,
  type SkipListHandle,
  type SkipListOptions,
  SkipListTable,
} from './table.js';
