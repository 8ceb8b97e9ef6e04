import type { WriteBatch } from '@memrep/core';
import { type WalOptions, WriteAheadLog } from '@memrep/wal';
import type { MemtableLog } from './log.js';

/**
 * Options of the write-ahead log a `MemtableList` opens in `dir` (see `@memrep/wal`). `sync`
 * is the policy of a write made with `{ sync: true }`: `'group'` (default: concurrent synced
 * writes share one fdatasync) or `'always'`; a write without it is `'none'` (written to the
 * OS: it survives a process crash, not a power loss).
 */
export interface ListWalOptions extends Omit<WalOptions, 'replay' | 'sync'> {
  /** The log directory (created if missing unless `createIfMissing: false`). */
  dir: string;
  /** Policy of `{ sync: true }` writes (default `'group'`). */
  sync?: 'group' | 'always';
}

/** `@memrep/wal`'s log as a `MemtableList` uses it. */
export class WalLog implements MemtableLog {
  /** The log underneath. */
  readonly wal: WriteAheadLog;
  readonly #synced: { sync: 'group' | 'always' };
  readonly #unsynced = { sync: 'none' as const };

  constructor(wal: WriteAheadLog, sync: 'group' | 'always' = 'group') {
    this.wal = wal;
    this.#synced = { sync };
  }

  get current(): number {
    return this.wal.logNumber;
  }

  append(batch: WriteBatch, sync: boolean): Promise<void> {
    return this.wal.append(batch, sync ? this.#synced : this.#unsynced);
  }

  rotate(): number {
    // A failed rotation fails the log; the next append rejects with its MEMREP_IO.
    this.wal.rotate().catch(() => undefined);
    return this.wal.logNumber;
  }

  release(logNumber: number): Promise<void> {
    const upTo = Math.min(logNumber, this.wal.logNumber) - 1;
    const oldest = this.wal.logNumbers[0];
    if (upTo < 0 || oldest === undefined || oldest > upTo) return Promise.resolve();
    return this.wal.deleteUpTo(upTo);
  }

  /** Closes the log (see `WriteAheadLog.close`). */
  close(): Promise<void> {
    return this.wal.close();
  }

  /** Opens the log in `options.dir`, replaying what it holds through `replay` first. */
  static async open(
    options: ListWalOptions,
    replay: (batch: WriteBatch, logNumber: number) => void,
  ): Promise<WalLog> {
    const { dir, sync, ...rest } = options;
    const wal = await WriteAheadLog.open(dir, { ...rest, sync: 'none', replay });
    return new WalLog(wal, sync);
  }
}
