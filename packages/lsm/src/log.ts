import type { WriteBatch } from '@memrep/core';

/**
 * What a `MemtableList` needs of a write-ahead log. `@memrep/wal`'s log provides it
 * (`walLog(wal)`); a test or an engine with its own log can provide it too.
 *
 * REQUIRES:
 * 1. Order: appends and rotations take effect in call order; an append made after `rotate()`
 *    returned goes to the new log.
 * 2. Acknowledgement: `append`'s promise resolves only once the record is as durable as the
 *    log's policy (and `sync`) says, and promises resolve in call order.
 * 3. Recovery yields every acknowledged batch, in append order, each with the log it is in.
 * 4. `append` keeps nothing of `batch` once it returns (copy its `rep`): the list reuses the
 *    batch of a `put`, `delete` or `deleteRange` for the next one.
 */
export interface MemtableLog {
  /** The number of the log that appends go to now. */
  readonly current: number;
  /** Logs `batch` (its `rep`, `sequence` already set). `sync` asks for an fdatasync before resolving. */
  append(batch: WriteBatch, sync: boolean): Promise<void>;
  /**
   * Starts a new log, for a new memtable, and returns its number; the file is made in order
   * with the appends (REQUIRES 1), so the call itself does not wait.
   */
  rotate(): number;
  /** Removes every log numbered below `logNumber`: what they hold is flushed. */
  release(logNumber: number): Promise<void>;
  /**
   * The batches of every log still held, oldest first. Absent for a log that replays while it
   * opens (`@memrep/wal`: the list's `wal` option).
   */
  recover?(): AsyncIterable<RecoveredBatch> | Iterable<RecoveredBatch>;
  /** Waits for queued appends, makes them durable and releases the log. */
  close(): Promise<void>;
}

/** One batch a log gives back on recovery. */
export interface RecoveredBatch {
  /** The log file that holds it. */
  readonly logNumber: number;
  /** The batch as appended, its `sequence` the seq of its first operation. */
  readonly batch: WriteBatch;
}
