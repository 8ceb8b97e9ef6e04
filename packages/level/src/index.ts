export { MemrepLevel, MemrepSnapshot, type WriteOptions } from './memrep-level.js';
export type {
  BackendName,
  BackendTableOptions,
  MemrepLevelOptions,
  TableFactory,
} from './options.js';
export type { MemtableStats, MemtablesStats } from './tables.js';
