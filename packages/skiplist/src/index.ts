export {
  type Branching,
  DEFAULT_BRANCHING,
  HEAD_HEIGHT_WORD,
  HEAD_MAX_HEIGHT_WORD,
  HEAD_OWNER_WORD,
  headSize,
  headSpareWord,
  MAX_TOWER_HEIGHT,
  NEXT0_WORD,
  nextWord,
  nodeKeyOffset,
  prefixWord,
  resolveBranching,
  SkipListCore,
  type SkipListCoreOptions,
  SkipListCursor,
  towerHeight,
} from './core.js';
export {
  createTable,
  defaultMaxHeight,
  MAX_TABLE_HEIGHT,
  MIN_TABLE_HEIGHT,
  type SkipListHandle,
  type SkipListOptions,
  SkipListTable,
} from './table.js';
export { MAX_ZONE_BITS, ZONE_CHUNK_SIZE, ZONE_ENTRIES, zoneStates, zoneWord } from './zones.js';
