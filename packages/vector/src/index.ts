export {
  createTable,
  VectorTable,
  type VectorTableHandle,
  type VectorTableOptions,
} from './vector-table.js';
