export { crc32c, crc32cExtend, crc32cJs, maskCrc, NATIVE_MIN_BYTES, unmaskCrc } from './crc32c.js';
export type { WalFile, WalFileSystem } from './file-system.js';
export { nodeFileSystem } from './file-system.js';
export {
  BLOCK_SIZE,
  encodeRecord,
  framedSize,
  HEADER_SIZE,
  type LogDrop,
  LogReader,
  TYPE_FIRST,
  TYPE_FULL,
  TYPE_LAST,
  TYPE_MIDDLE,
  TYPE_ZERO,
} from './format.js';
export {
  type AppendOptions,
  logFileName,
  type RecoveryMode,
  type RecoveryReport,
  type SyncPolicy,
  type WalDrop,
  type WalOptions,
  WriteAheadLog,
} from './wal.js';
