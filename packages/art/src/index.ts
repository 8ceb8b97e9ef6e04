export { type ArtHandle, type ArtOptions, ArtTable, createTable } from './table.js';
export {
  ArtCursor,
  ArtTree,
  maxInsertBytes,
  NODE_CAPACITY,
  NODE_SIZES,
  NODE4,
  NODE19,
  NODE24,
  NODE32,
  NODE48,
  NODE256,
  TREE_HEADER_SIZE,
  type TreeStats,
} from './tree.js';
