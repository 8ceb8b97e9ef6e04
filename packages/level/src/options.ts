import type { TableMut, TableOptions } from '@memrep/core';
import { MemrepTypeError } from '@memrep/core';
import type { WalFileSystem } from '@memrep/wal';
import type { AbstractDatabaseOptions } from 'abstract-level';
import { registeredBackends } from './backends.js';

/**
 * A memrep backend `MemrepLevel` loads by name: one of this package's dependencies that
 * declares itself a backend (see `@memrep/core/registry`): `'skiplist'`, `'vector'`,
 * `'hash-skiplist'`, ...
 */
export type BackendName = string;

/**
 * Options handed to a backend for every table the database creates: the merged
 * `tableOptions` (the arena's, the table's, the backend's own), with the defaults below.
 */
export type BackendTableOptions = TableOptions & Record<string, unknown>;

/** Makes one empty, writable memtable. Every backend package exports one as `createTable`. */
export type TableFactory = (options: BackendTableOptions) => TableMut;

export interface MemrepLevelOptions<K = string, V = string> extends AbstractDatabaseOptions<K, V> {
  /**
   * The memtable under the database: a backend by name, loaded on open (default
   * `'skiplist'`), or a factory `(options) => TableMut` (any `TableMut`, e.g. your own).
   */
  backend?: BackendName | TableFactory;
  /**
   * When the active memtable holds this many bytes (its keys and values plus `@memrep/lsm`'s
   * `ENTRY_OVERHEAD` an entry) it is frozen and a new one takes the writes (default 4 MiB in
   * memory; 64 MiB with a location, RocksDB's default, since every frozen memtable is then
   * written out as a checkpoint and merged: a crash replays at most about this much log).
   */
  writeBufferSize?: number;
  /**
   * Frozen memtables kept before compaction is forced (default 8). Size-tiered compaction
   * usually keeps far fewer; this is the hard bound.
   */
  maxFrozenTables?: number;
  /**
   * Merge frozen memtables as they accumulate (default true). With false they are merged only
   * by `db.compact()`, and reads pay one lookup per memtable.
   */
  autoCompaction?: boolean;
  /**
   * Options for every memtable: the arena's (`blockSize`, default `writeBufferSize / 8`;
   * `maxSize`, default 1 GiB; `shared`, default false: the database never shares its tables
   * with threads) and the backend's own (`maxHeight`, `prefixExtractor`, ...).
   */
  tableOptions?: Record<string, unknown>;
  /**
   * With a location: the file layer under the log and the checkpoints (default the real one,
   * over `node:fs`). For tests: `FaultFileSystem` from `@memrep/wal/testing` (no LOCK file then;
   * the log's own lock still refuses a second open in this process).
   */
  fs?: WalFileSystem;
}

export const DEFAULT_WRITE_BUFFER_SIZE = 4 * 1024 * 1024;
/**
 * With a location: a 4 MiB buffer spent a third of the time of batched puts checkpointing and
 * merging runs (`node --cpu-prof`); at 64 MiB, 1M batched puts ran 1.6x faster and gets 1.7x.
 */
export const DEFAULT_DURABLE_WRITE_BUFFER_SIZE = 64 * 1024 * 1024;
export const DEFAULT_MAX_FROZEN_TABLES = 8;
/** The arena's own default, repeated so the database knows the bound it writes under. */
export const DEFAULT_TABLE_MAX_SIZE = 1024 * 1024 * 1024;
const MIN_BLOCK_SIZE = 64;
const MAX_DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024;

/** Options checked and defaulted once, in the constructor. */
export interface ResolvedOptions {
  backend: BackendName | TableFactory;
  writeBufferSize: number;
  maxFrozenTables: number;
  autoCompaction: boolean;
  tableOptions: BackendTableOptions;
  /** The arena bound every table is created with: what a batch must fit under. */
  tableMaxSize: number;
  /** The options for a new table expected to hold about `bytes` of data. */
  tableOptionsFor(bytes: number): BackendTableOptions;
}

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && registeredBackends().some((b) => b.name === value);
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new MemrepTypeError(`${name} must be a positive integer; got ${String(value)}`);
  }
  return value;
}

/**
 * Checks the memrep options of the constructor; `durable` (a location was given) picks the
 * defaults that differ on disk. Throws a `TypeError` naming the option and what it allows,
 * before the database exists.
 */
export function resolveOptions(
  options: MemrepLevelOptions<unknown, unknown>,
  durable = false,
): ResolvedOptions {
  const backend = options.backend ?? 'skiplist';
  if (typeof backend !== 'function' && !isBackendName(backend)) {
    throw new MemrepTypeError(
      `backend must be one of ${registeredBackends()
        .map((b) => `'${b.name}'`)
        .join(', ')} or a function ` + `(options) => TableMut; got ${String(backend)}`,
    );
  }
  const writeBufferSize = positiveInteger(
    options.writeBufferSize,
    'writeBufferSize',
    durable ? DEFAULT_DURABLE_WRITE_BUFFER_SIZE : DEFAULT_WRITE_BUFFER_SIZE,
  );
  const maxFrozenTables = positiveInteger(
    options.maxFrozenTables,
    'maxFrozenTables',
    DEFAULT_MAX_FROZEN_TABLES,
  );
  const autoCompaction = options.autoCompaction ?? true;
  if (typeof autoCompaction !== 'boolean') {
    throw new MemrepTypeError(`autoCompaction must be a boolean; got ${String(autoCompaction)}`);
  }
  const given = options.tableOptions;
  if (given !== undefined && (given === null || typeof given !== 'object')) {
    throw new MemrepTypeError(`tableOptions must be an object; got ${String(given)}`);
  }
  // About eight blocks per memtable, as RocksDB sizes its arena blocks: memoryUsage then
  // tracks what the table holds to within an eighth of writeBufferSize.
  const blockSize = Math.min(
    MAX_DEFAULT_BLOCK_SIZE,
    Math.max(MIN_BLOCK_SIZE, Math.ceil(writeBufferSize / 8 / 8) * 8),
  );
  const tableOptions: BackendTableOptions = { blockSize, shared: false, ...given };
  const maxSize = tableOptions.maxSize;
  // hash-skiplist sizes its bucket array from maxSize, which is a bound here, not a size: 1 GiB
  // would give every memtable 4 MiB of buckets. Size them by what the table will hold instead.
  const sizedBuckets = backend === 'hash-skiplist' && tableOptions.bucketCount === undefined;
  const tableOptionsFor = (bytes: number): BackendTableOptions =>
    sizedBuckets ? { ...tableOptions, bucketCount: bucketCountFor(bytes) } : { ...tableOptions };
  return {
    backend,
    writeBufferSize,
    maxFrozenTables,
    autoCompaction,
    tableOptions,
    tableMaxSize: typeof maxSize === 'number' ? maxSize : DEFAULT_TABLE_MAX_SIZE,
    tableOptionsFor,
  };
}

/** One bucket per KiB of data, a power of two in [16, 2^20], as hash-skiplist's own default. */
function bucketCountFor(bytes: number): number {
  let count = 16;
  while (count < 2 ** 20 && count * 2 * 1024 <= bytes) count *= 2;
  return count;
}
