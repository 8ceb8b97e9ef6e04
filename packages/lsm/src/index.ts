export type { MemtableLog, RecoveredBatch } from './log.js';
export {
  DEFAULT_MAX_IMMUTABLE,
  DEFAULT_WRITE_BUFFER_SIZE,
  ENTRY_OVERHEAD,
  type FlushInfo,
  MemtableList,
  type MemtableListOptions,
  type Snapshot,
} from './memtable-list.js';
export { MergedTables } from './merged.js';
export { type ListWalOptions, WalLog } from './wal-log.js';
