import { join, resolve } from 'node:path';
import {
  invalidArgument,
  MemrepError,
  TAG_DELETE,
  TAG_PUT,
  WriteBatch,
  WriteBatchReader,
} from '@memrep/core/backend';
import { nodeFileSystem, type WalFile, type WalFileSystem } from './file-system.js';
import { BLOCK_SIZE, encodeRecord, framedSize, type LogDrop, LogReader } from './format.js';

/**
 * When an append's promise resolves:
 * - `'none'`: once its bytes are written to the OS (survives a process crash, not a power loss);
 * - `'group'`: once its bytes are on disk (`fdatasync`), sharing one write and one sync with
 *   the appends that queued while the previous group was being written (group commit);
 * - `'always'`: once its bytes are on disk, through a write and an `fdatasync` of its own.
 */
export type SyncPolicy = 'none' | 'group' | 'always';

/**
 * What recovery accepts (RocksDB's `WALRecoveryMode`):
 * - `'pointInTime'`: replays every record up to the first bad one and drops the rest;
 * - `'tolerateTail'`: drops only a torn tail (bad bytes with no good record after them, in the
 *   newest log); anything else rejects with `MEMREP_CORRUPTION`;
 * - `'absolute'`: any bad byte rejects with `MEMREP_CORRUPTION`.
 */
export type RecoveryMode = 'pointInTime' | 'tolerateTail' | 'absolute';

/** How `Wal.open` opens a log directory and how appends reach the disk by default. */
export interface WalOptions {
  /** Default policy of `append`. Default `'group'`. */
  sync?: SyncPolicy;
  /** Default `'pointInTime'`. */
  recovery?: RecoveryMode;
  /**
   * Most bytes one group commit writes (more queued appends wait for the next group); one
   * record larger than this is written alone. Default 1 MiB (RocksDB's
   * `max_write_batch_group_size_bytes`).
   */
  groupCommitBytes?: number;
  /**
   * Bytes of zeros each log is extended by ahead of its appends (rounded up to whole 32 KiB
   * blocks): written and synced when the log is created, and written again after the bytes of
   * a synced group that passes the end (under that group's sync), so that a synced append
   * overwrites space the file already has and its `fdatasync` need not persist a new file
   * size. An unsynced group past the end grows the file by its own bytes only. Recovery reads
   * the zeroed tail as the end of the log. 0 turns it off (the file grows with every write).
   * Default 1 MiB.
   */
  preallocateBytes?: number;
  /** Create the directory if it is missing. Default true. */
  createIfMissing?: boolean;
  /**
   * Called once per recovered batch, oldest first, with the number of the log that holds it,
   * after recovery has validated every log and made the directory consistent. An exception
   * rejects `open` (the directory stays as recovery left it).
   *
   * REQUIRES: the callback does not keep `batch`: it is valid during the call only (one batch
   * is refilled for every record, as LevelDB's recovery does, instead of one allocation per
   * record). Apply it (`TableMut.write` copies) or copy it (`WriteBatch.fromRep(batch.rep)`).
   */
  replay?: (batch: WriteBatch, logNumber: number) => void;
  /** The file layer. Default the real one over `node:fs`. */
  fs?: WalFileSystem;
}

/** Per-append overrides of the log's `WalOptions`. */
export interface AppendOptions {
  /** Overrides the log's default policy for this append. */
  sync?: SyncPolicy;
}

/** A byte range recovery did not replay, and why. */
export interface WalDrop extends LogDrop {
  /** Number of the log file (`NNNNNN.log`) the range lies in; `offset` is within that file. */
  readonly logNumber: number;
}

/** What `open` found and did. */
export interface RecoveryReport {
  /** Numbers of the logs read, oldest first. */
  readonly logs: readonly number[];
  /** Batches replayed. */
  readonly batches: number;
  /** The seq of the last operation replayed (`sequence + count - 1` of the newest batch); 0 if none. */
  readonly lastSequence: number;
  /** Everything skipped, in log order (empty after a clean shutdown). */
  readonly dropped: readonly WalDrop[];
  /** Logs cut back to their last good record: `{ logNumber, length }` (the new length). */
  readonly truncated: readonly {
    /** Number of the log file cut. */
    readonly logNumber: number;
    /** Its length in bytes after the cut: the end of its last replayed record. */
    readonly length: number;
  }[];
  /** Logs after a `'pointInTime'` stop, renamed to `NNNNNN.log.dropped` and never read again. */
  readonly setAside: readonly number[];
}

const LOG_NAME = /^(\d{6,})\.log$/;
const DROPPED_NAME = /^(\d{6,})\.log\.dropped$/;
const SYNC_CODE = { none: 0, group: 1, always: 2 } as const;
const RESOLVED = Promise.resolve();
/** Directories open in this process, per file layer (a simulated crash's file layer is a new one). */
const openDirsByFs = new WeakMap<WalFileSystem, Set<string>>();

function openDirsOf(fs: WalFileSystem): Set<string> {
  let dirs = openDirsByFs.get(fs);
  if (!dirs) openDirsByFs.set(fs, (dirs = new Set()));
  return dirs;
}

/** The file name of log `n`: `000001.log`. */
export function logFileName(n: number): string {
  return `${String(n).padStart(6, '0')}.log`;
}

class LogState {
  readonly number: number;
  readonly path: string;
  file: WalFile | null = null;
  /** Bytes framed so far (the file's length once everything is written). */
  framed = 0;
  /** Bytes written to the file. */
  written = 0;
  /** Bytes made durable. */
  synced = 0;
  /** The file's length: zeros written ahead of `written` by preallocation (0 without it). */
  allocated = 0;
  /** Framed bytes not yet written: file offsets `[written, framed)`. */
  buffer = new Uint8Array(64 * 1024);
  ends: number[] = [];
  syncs: number[] = [];
  resolves: (() => void)[] = [];
  rejects: ((error: Error) => void)[] = [];
  head = 0;
  readonly opened: { resolve: (n: number) => void; reject: (error: Error) => void }[] = [];

  constructor(dir: string, number: number) {
    this.number = number;
    this.path = join(dir, logFileName(number));
  }
}

interface ControlOp {
  readonly upTo: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * A write-ahead log in a directory: one log file per memtable generation (`000001.log`, ...),
 * each a sequence of records in LevelDB's format, one record per `WriteBatch` (its `rep` as
 * is). A single instance owns the directory.
 *
 * Invariants:
 * 1. Appends reach the file in call order, and an append's promise resolves only after every
 *    earlier append to the log has been written (and, for a syncing append, made durable):
 *    what survives a crash is a prefix of the appends, never one with a hole.
 * 2. A log file is created exclusively and the directory synced before any append to it is
 *    acknowledged; a log is synced before the next one is created, and only the newest log is
 *    ever appended to (each `open` starts a new one).
 * 3. Recovery leaves no bad bytes in place: a torn tail is cut off and logs after a
 *    `'pointInTime'` stop are set aside before the first append, so an acknowledged append
 *    is never hidden behind them at the next recovery.
 * 4. After any file-system failure the log refuses further work (`MEMREP_IO`), as RocksDB
 *    and Pebble do after a failed sync: the bytes of a failed group are cut off if the file
 *    still allows it, and a later `open` recovers what is on disk.
 */
export class WriteAheadLog {
  /** The directory, resolved. */
  readonly dir: string;
  /** What recovery found and did at `open`. */
  readonly recovery: RecoveryReport;
  readonly #fs: WalFileSystem;
  readonly #sync: number;
  readonly #groupBytes: number;
  readonly #prealloc: number;
  /** Logs being written, oldest first: the last is current; earlier ones await retiring. */
  readonly #logs: LogState[];
  /** Live log numbers on disk, oldest first (recovered, retired and current). */
  readonly #onDisk: number[];
  readonly #control: ControlOp[] = [];
  #nextNumber: number;
  #running = false;
  #scheduled = false;
  #closed = false;
  #done = false;
  #closePromise: Promise<void> | null = null;
  #closing: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #error: MemrepError | null = null;

  private constructor(
    dir: string,
    fs: WalFileSystem,
    options: Required<Pick<WalOptions, 'sync' | 'groupCommitBytes' | 'preallocateBytes'>>,
    recovery: RecoveryReport,
    onDisk: number[],
    current: LogState,
  ) {
    this.dir = dir;
    this.#fs = fs;
    this.#sync = SYNC_CODE[options.sync];
    this.#groupBytes = options.groupCommitBytes;
    this.#prealloc = options.preallocateBytes;
    this.recovery = recovery;
    this.#onDisk = onDisk;
    this.#logs = [current];
    this.#nextNumber = current.number + 1;
  }

  /**
   * Opens (and recovers) the log directory `dir`: reads every log oldest first, applies the
   * recovery mode, cuts off a torn tail and sets aside what a `'pointInTime'` stop dropped,
   * creates a new log for appends, then replays the batches through `options.replay`.
   *
   * Errors (rejected before any file changes, except `MEMREP_IO` mid-way, which a later
   * `open` recovers from):
   * - `MEMREP_INVALID_ARGUMENT` for a bad option;
   * - `MEMREP_LOCKED` if this process has the directory open already;
   * - `MEMREP_NOT_FOUND` if it is missing and `createIfMissing` is false;
   * - `MEMREP_CORRUPTION` when the recovery mode does not accept what the logs hold;
   * - `MEMREP_IO` when a file operation fails.
   */
  static async open(dir: string, options: WalOptions = {}): Promise<WriteAheadLog> {
    if (typeof dir !== 'string' || dir.length === 0) {
      throw invalidArgument('the log directory must be a non-empty string');
    }
    const sync = options.sync ?? 'group';
    assertSyncPolicy(sync, 'sync');
    const mode = options.recovery ?? 'pointInTime';
    if (mode !== 'pointInTime' && mode !== 'tolerateTail' && mode !== 'absolute') {
      throw invalidArgument(
        `recovery must be 'pointInTime', 'tolerateTail' or 'absolute'; got ${String(mode)}`,
      );
    }
    const groupCommitBytes = options.groupCommitBytes ?? 1 << 20;
    if (!Number.isInteger(groupCommitBytes) || groupCommitBytes < 1) {
      throw invalidArgument(`groupCommitBytes must be a positive integer; got ${groupCommitBytes}`);
    }
    const prealloc = options.preallocateBytes ?? 1 << 20;
    if (!Number.isSafeInteger(prealloc) || prealloc < 0 || prealloc > 1 << 30) {
      throw invalidArgument(
        `preallocateBytes must be an integer from 0 to 1 GiB; got ${String(prealloc)}`,
      );
    }
    const preallocateBytes = Math.ceil(prealloc / BLOCK_SIZE) * BLOCK_SIZE;
    if (options.replay !== undefined && typeof options.replay !== 'function') {
      throw invalidArgument('replay must be a function');
    }
    const fs = options.fs ?? nodeFileSystem;
    const resolved = resolve(dir);
    const openDirs = openDirsOf(fs);
    if (openDirs.has(resolved)) {
      throw new MemrepError('MEMREP_LOCKED', `the log directory ${resolved} is open already`);
    }
    openDirs.add(resolved);
    try {
      const { report, replayable, onDisk, next } = await recover(
        fs,
        resolved,
        mode,
        options.createIfMissing ?? true,
      );
      const current = new LogState(resolved, next);
      current.file = await io(`create ${current.path}`, fs.createExclusive(current.path));
      await preallocate(current, preallocateBytes);
      await io(`sync directory ${resolved}`, fs.syncDir(resolved));
      onDisk.push(next);
      const wal = new WriteAheadLog(
        resolved,
        fs,
        { sync, groupCommitBytes, preallocateBytes },
        report,
        onDisk,
        current,
      );
      if (options.replay !== undefined) {
        try {
          const batch = new WriteBatch();
          for (const { logNumber, records, kept } of replayable) {
            for (let i = 0; i < kept; i++) {
              loadBatch(batch, records[i].rep);
              options.replay(batch, logNumber);
            }
          }
        } catch (error) {
          await current.file.close().catch(() => {});
          throw error;
        }
      }
      return wal;
    } catch (error) {
      openDirs.delete(resolved);
      throw error;
    }
  }

  /** The number of the log appends go to now. */
  get logNumber(): number {
    return this.#logs[this.#logs.length - 1].number;
  }

  /** Numbers of the logs on disk that `deleteUpTo` has not removed, oldest first. */
  get logNumbers(): readonly number[] {
    return this.#onDisk.slice();
  }

  /**
   * Appends `batch` (its `rep`, copied before this returns: the caller may reuse the batch at
   * once) to the current log as one record. Resolves per the sync policy (`options.sync`,
   * else the log's); see `SyncPolicy`.
   *
   * REQUIRES: the batch's sequence set as the caller wants it replayed (the log does not
   * look at it).
   *
   * Errors (rejected before anything is queued): `MEMREP_INVALID_ARGUMENT` unless `batch` is
   * a `WriteBatch` and `options.sync` a policy; `MEMREP_CLOSED` after `close()`; `MEMREP_IO`
   * after a failure. Rejected later with `MEMREP_IO` if its write or sync fails: nothing of it
   * is then acknowledged, and no byte of it that recovery would accept is left behind unless
   * the file refused to be cut back (then a later recovery may replay it whole, never in part).
   */
  append(batch: WriteBatch, options?: AppendOptions): Promise<void> {
    if (!(batch instanceof WriteBatch)) {
      return Promise.reject(invalidArgument('append takes a WriteBatch'));
    }
    let sync = this.#sync;
    if (options !== undefined && options.sync !== undefined) {
      try {
        assertSyncPolicy(options.sync, 'options.sync');
      } catch (error) {
        return Promise.reject(error);
      }
      sync = SYNC_CODE[options.sync];
    }
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    const log = this.#logs[this.#logs.length - 1];
    const rep = batch.rep;
    const size = framedSize(rep.length, log.framed % BLOCK_SIZE);
    const at = log.framed - log.written;
    if (at + size > log.buffer.length) {
      const grown = new Uint8Array(Math.max(at + size, log.buffer.length * 2));
      grown.set(log.buffer.subarray(0, at));
      log.buffer = grown;
    }
    encodeRecord(rep, log.framed % BLOCK_SIZE, log.buffer, at);
    log.framed += size;
    return new Promise<void>((resolve, reject) => {
      log.ends.push(log.framed);
      log.syncs.push(sync);
      log.resolves.push(resolve);
      log.rejects.push(reject);
      this.#kick();
    });
  }

  /**
   * Starts a new log (for a new memtable) and resolves with its number once it exists on
   * disk. Appends called after `rotate()` go to the new log; the old one is synced and closed
   * first, whatever the sync policy.
   *
   * Errors: `MEMREP_CLOSED`, `MEMREP_IO` (rejected before anything changes); `MEMREP_IO` later.
   */
  rotate(): Promise<number> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    const log = new LogState(this.dir, this.#nextNumber++);
    this.#logs.push(log);
    return new Promise<number>((resolve, reject) => {
      log.opened.push({ resolve, reject });
      this.#kick();
    });
  }

  /**
   * Deletes every log numbered `upTo` or below (after their memtables are flushed), then syncs
   * the directory. Waits for rotations called before it.
   *
   * Errors (rejected before anything changes): `MEMREP_INVALID_ARGUMENT` unless `upTo` is an
   * integer below `logNumber` (the current log cannot go); `MEMREP_CLOSED`; `MEMREP_IO`.
   */
  deleteUpTo(upTo: number): Promise<void> {
    if (!Number.isSafeInteger(upTo) || upTo < 0 || upTo >= this.logNumber) {
      return Promise.reject(
        invalidArgument(
          `deleteUpTo takes an integer below the current log number ${this.logNumber}; got ${upTo}`,
        ),
      );
    }
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    return new Promise<void>((resolve, reject) => {
      this.#control.push({ upTo, resolve, reject });
      this.#kick();
    });
  }

  /**
   * Waits for every queued append, rotation and deletion, syncs the current log, closes it
   * and releases the directory. Later calls reject with `MEMREP_CLOSED`; a second `close()`
   * resolves with the first. Rejects with `MEMREP_IO` if the log had failed (the files are
   * still closed and the directory released).
   */
  close(): Promise<void> {
    if (this.#closePromise) return this.#closePromise;
    this.#closed = true;
    this.#closePromise = new Promise<void>((resolve, reject) => {
      this.#closing.push({ resolve, reject });
      this.#kick();
    });
    return this.#closePromise;
  }

  #refusal(): MemrepError | null {
    if (this.#closed) return new MemrepError('MEMREP_CLOSED', `the log ${this.dir} is closed`);
    if (this.#error) {
      return new MemrepError(
        'MEMREP_IO',
        `the log ${this.dir} failed earlier and takes no more writes (${this.#error.message}); reopen it to recover`,
      );
    }
    return null;
  }

  #kick(): void {
    if (this.#running || this.#scheduled) return;
    this.#scheduled = true;
    // A promise reaction, not queueMicrotask: Node wraps each queueMicrotask callback in an
    // async resource, which cost more than the rest of an unsynced append's bookkeeping.
    RESOLVED.then(this.#tick);
  }

  readonly #tick = (): void => {
    this.#scheduled = false;
    if (this.#running) return;
    this.#running = true;
    let step: Promise<void> | undefined;
    try {
      step = this.#steps();
    } catch (error) {
      this.#fail(error);
    }
    // A run of unsynced groups is done by now: no async function, no await.
    if (step === undefined && this.#error === null) this.#running = false;
    else void this.#pump(step);
  };

  /**
   * Runs steps until one has to wait (returns its promise) or nothing is left (undefined). A
   * step that did all its work at once returns nothing, so unsynced groups cost no await.
   */
  #steps(): Promise<void> | undefined {
    for (;;) {
      if (this.#error || this.#done) return undefined;
      const log = this.#logs[0];
      let step: Promise<void> | undefined;
      if (log.file === null) step = this.#openLog(log);
      else if (this.#control.length > 0 && this.#logs.length === 1) step = this.#runControl();
      else if (log.head < log.ends.length) step = this.#writeGroup(log);
      else if (this.#logs.length > 1) step = this.#retire(log);
      else if (this.#closing.length > 0) step = this.#finishClose(log);
      else return undefined;
      if (step !== undefined) return step;
    }
  }

  async #pump(step: Promise<void> | undefined): Promise<void> {
    try {
      while (step !== undefined) {
        await step;
        step = this.#steps();
      }
    } catch (error) {
      this.#fail(error);
    }
    if (this.#error) await this.#failPending();
    this.#running = false;
  }

  #writeGroup(log: LogState): Promise<void> | undefined {
    const first = log.head;
    let last = first;
    if (log.syncs[first] !== SYNC_CODE.always) {
      const limit = log.written + this.#groupBytes;
      while (
        last + 1 < log.ends.length &&
        log.syncs[last + 1] !== SYNC_CODE.always &&
        log.ends[last + 1] <= limit
      ) {
        last++;
      }
    }
    const start = log.written;
    const end = log.ends[last];
    let sync = false;
    for (let i = first; i <= last; i++) if (log.syncs[i] !== SYNC_CODE.none) sync = true;
    const file = log.file!;
    if (sync || file.writeSync === undefined) return this.#writeGroupAsync(log, last, sync);
    // Nothing to wait for but write(2) itself: a call on this thread costs less than the
    // thread pool's round trip, which was most of an unsynced append (see the README).
    try {
      file.writeSync(log.buffer, 0, end - start, start);
    } catch (error) {
      return this.#cutBack(log, start, ioError(`write ${log.path}`, error));
    }
    // Past the preallocated space an unsynced group just grows the file: no sync waits on the
    // new size, and zeros written ahead of it would double the bytes it hands to the OS. The
    // next synced group that outgrows the file extends it.
    if (end > log.allocated) log.allocated = end;
    this.#advance(log, end);
    this.#acknowledge(log, last);
    return undefined;
  }

  async #writeGroupAsync(log: LogState, last: number, sync: boolean): Promise<void> {
    const start = log.written;
    const end = log.ends[last];
    const path = log.path;
    const file = log.file!;
    try {
      // With a sync to wait for anyway, write(2) on this thread leaves one thread-pool round
      // trip (the fdatasync) where two were, as LevelDB pays.
      const grow = end > log.allocated && this.#prealloc > 0;
      const to = grow ? extendedEnd(end, this.#prealloc) : 0;
      // The zeros past a group that outgrows the preallocated space go out with it, under its
      // fdatasync (the one that persists the new file size), not a sync of their own.
      if (file.writeSync !== undefined) {
        try {
          file.writeSync(log.buffer, 0, end - start, start);
          if (grow) writeZerosSync(file, end, to);
        } catch (error) {
          throw ioError(`write ${path}`, error);
        }
      } else {
        await io(`write ${path}`, file.write(log.buffer, 0, end - start, start));
        if (grow) await io(`write ${path}`, writeZeros(file, end, to));
      }
      if (grow) log.allocated = to;
      this.#advance(log, end);
      if (sync) {
        await io(`fdatasync ${path}`, file.datasync());
        log.synced = end;
      }
    } catch (error) {
      await this.#cutBack(log, start, error);
    }
    this.#acknowledge(log, last);
  }

  /**
   * The bytes up to file offset `end` are written: drops them from the buffer and moves
   * `written` in the same step, so that the buffer always starts at file offset `written`
   * (an append during the group's fdatasync frames its record at `framed - written`).
   */
  #advance(log: LogState, end: number): void {
    log.buffer.copyWithin(0, end - log.written, log.framed - log.written);
    log.written = end;
  }

  /** Cuts a failed group's bytes off the file (if it lets us) and rethrows the failure. */
  async #cutBack(log: LogState, start: number, error: unknown): Promise<never> {
    await this.#fs.truncate(log.path, start).catch(() => {});
    throw error;
  }

  /** The group `[head, last]` is written (and synced if it asked): resolves its appends. */
  #acknowledge(log: LogState, last: number): void {
    const first = log.head;
    log.head = last + 1;
    for (let i = first; i <= last; i++) log.resolves[i]();
    if (log.head === log.ends.length) {
      log.ends.length = log.syncs.length = log.resolves.length = log.rejects.length = 0;
      log.head = 0;
      if (log.buffer.length > 1 << 22) log.buffer = new Uint8Array(64 * 1024);
    }
  }

  async #retire(log: LogState): Promise<void> {
    const path = log.path;
    if (log.synced < log.written) await io(`fdatasync ${path}`, log.file!.datasync());
    log.synced = log.written;
    await io(`close ${path}`, log.file!.close());
    this.#logs.shift();
  }

  async #openLog(log: LogState): Promise<void> {
    const path = log.path;
    log.file = await io(`create ${path}`, this.#fs.createExclusive(path));
    this.#onDisk.push(log.number);
    await preallocate(log, this.#prealloc);
    await io(`sync directory ${this.dir}`, this.#fs.syncDir(this.dir));
    for (const waiter of log.opened.splice(0)) waiter.resolve(log.number);
  }

  async #runControl(): Promise<void> {
    const op = this.#control[0];
    const doomed = this.#onDisk.filter((n) => n <= op.upTo);
    for (const n of doomed) {
      const path = join(this.dir, logFileName(n));
      await io(`unlink ${path}`, this.#fs.unlink(path));
      this.#onDisk.splice(this.#onDisk.indexOf(n), 1);
    }
    if (doomed.length > 0) await io(`sync directory ${this.dir}`, this.#fs.syncDir(this.dir));
    this.#control.shift();
    op.resolve();
  }

  async #finishClose(log: LogState): Promise<void> {
    const path = log.path;
    if (log.synced < log.written) await io(`fdatasync ${path}`, log.file!.datasync());
    log.synced = log.written;
    await io(`close ${path}`, log.file!.close());
    this.#done = true;
    openDirsOf(this.#fs).delete(this.dir);
    for (const waiter of this.#closing.splice(0)) waiter.resolve();
  }

  #fail(error: unknown): void {
    this.#error =
      error instanceof MemrepError && error.code === 'MEMREP_IO'
        ? error
        : new MemrepError('MEMREP_IO', `the log ${this.dir} failed: ${String(error)}`);
  }

  async #failPending(): Promise<void> {
    const error = this.#error!;
    for (const log of this.#logs) {
      for (let i = log.head; i < log.ends.length; i++) log.rejects[i](error);
      log.ends.length = log.syncs.length = log.resolves.length = log.rejects.length = 0;
      log.head = 0;
      for (const waiter of log.opened.splice(0)) waiter.reject(error);
    }
    for (const op of this.#control.splice(0)) op.reject(error);
    if (this.#closing.length > 0) {
      for (const log of this.#logs) await log.file?.close().catch(() => {});
      openDirsOf(this.#fs).delete(this.dir);
      for (const waiter of this.#closing.splice(0)) waiter.reject(error);
    }
  }
}

/** Zeros to write from; never written into. */
let zeroBlock: Uint8Array | null = null;

function zeros(): Uint8Array {
  if (zeroBlock === null) zeroBlock = new Uint8Array(1 << 20);
  return zeroBlock;
}

/** Where preallocation extends a log whose writes reach `end`: a block boundary, `bytes` on. */
function extendedEnd(end: number, bytes: number): number {
  return Math.ceil(end / BLOCK_SIZE) * BLOCK_SIZE + bytes;
}

function writeZerosSync(file: WalFile, from: number, to: number): void {
  const zero = zeros();
  for (let at = from; at < to; at += zero.length) {
    file.writeSync!(zero, 0, Math.min(zero.length, to - at), at);
  }
}

async function writeZeros(file: WalFile, from: number, to: number): Promise<void> {
  const zero = zeros();
  for (let at = from; at < to; at += zero.length) {
    await file.write(zero, 0, Math.min(zero.length, to - at), at);
  }
}

/**
 * Fills a new, empty log with `bytes` zeros and syncs them, before the directory sync that
 * precedes its first acknowledged append: its first synced appends then overwrite space the
 * file has, and their fdatasync persists data only.
 */
async function preallocate(log: LogState, bytes: number): Promise<void> {
  if (bytes === 0) return;
  await io(`write ${log.path}`, writeZeros(log.file!, 0, bytes));
  await io(`fdatasync ${log.path}`, log.file!.datasync());
  log.allocated = bytes;
}

function assertSyncPolicy(sync: unknown, name: string): asserts sync is SyncPolicy {
  if (sync !== 'none' && sync !== 'group' && sync !== 'always') {
    throw invalidArgument(`${name} must be 'none', 'group' or 'always'; got ${String(sync)}`);
  }
}

async function io<T>(what: string, operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw ioError(what, error);
  }
}

function ioError(what: string, error: unknown): MemrepError {
  if (error instanceof MemrepError && error.code === 'MEMREP_IO') return error;
  return new MemrepError(
    'MEMREP_IO',
    `${what} failed: ${(error as Error)?.message ?? String(error)}`,
  );
}

/**
 * Refills `batch` with the batch encoded in `rep` (its sequence included). Throws
 * `MEMREP_CORRUPTION` when `rep` is not a whole, well-formed batch (what `WriteBatch.fromRep`
 * rejects), without a buffer of its own per call: recovery checks every record with it, then
 * replays each through one batch.
 */
function loadBatch(batch: WriteBatch, rep: Uint8Array): void {
  batch.clear();
  const reader = new WriteBatchReader(rep);
  while (reader.next()) {
    if (reader.tag === TAG_PUT) batch.put(reader.key(), reader.value());
    else if (reader.tag === TAG_DELETE) batch.delete(reader.key());
    else {
      try {
        batch.deleteRange(reader.key(), reader.value());
      } catch (error) {
        throw new MemrepError(
          'MEMREP_CORRUPTION',
          `corrupt write batch: range delete ${reader.index} is invalid (${(error as Error).message})`,
        );
      }
    }
  }
  batch.sequence = reader.sequence;
}

interface LogRecord {
  /** The record's payload: a view of the file's bytes (a copy for a fragmented record). */
  readonly rep: Uint8Array;
  readonly offset: number;
  readonly end: number;
  readonly sequence: number;
  readonly count: number;
}

interface ParsedLog {
  readonly number: number;
  readonly length: number;
  readonly records: LogRecord[];
  readonly drops: LogDrop[];
}

interface Recovered {
  report: RecoveryReport;
  /** Per log read, oldest first: its records, of which the first `kept` are replayed. */
  replayable: { logNumber: number; records: readonly LogRecord[]; kept: number }[];
  onDisk: number[];
  next: number;
}

async function recover(
  fs: WalFileSystem,
  dir: string,
  mode: RecoveryMode,
  createIfMissing: boolean,
): Promise<Recovered> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') {
      throw new MemrepError('MEMREP_IO', `readdir ${dir} failed: ${String(error)}`);
    }
    if (!createIfMissing) {
      throw new MemrepError('MEMREP_NOT_FOUND', `the log directory ${dir} does not exist`);
    }
    await io(`mkdir ${dir}`, fs.mkdir(dir));
    await io(`sync directory ${dir}`, fs.syncDir(join(dir, '..')));
    names = [];
  }
  const numbers: number[] = [];
  let highest = 0;
  for (const name of names) {
    const live = LOG_NAME.exec(name);
    const dropped = live ?? DROPPED_NAME.exec(name);
    if (!dropped) continue;
    const n = Number(dropped[1]);
    if (live) numbers.push(n);
    if (n > highest) highest = n;
  }
  numbers.sort((a, b) => a - b);

  const logs: ParsedLog[] = [];
  const scratch = new WriteBatch();
  for (const number of numbers) {
    const path = join(dir, logFileName(number));
    const bytes = await io(`read ${path}`, fs.readFile(path));
    const drops: LogDrop[] = [];
    const records: LogRecord[] = [];
    const reader = new LogReader(bytes, (drop) => drops.push(drop));
    for (let rep = reader.next(); rep !== null; rep = reader.next()) {
      const offset = reader.recordOffset;
      try {
        loadBatch(scratch, rep);
        const { sequence, count } = scratch;
        records.push({ rep, offset, end: reader.recordEnd, sequence, count });
      } catch (error) {
        if ((error as MemrepError).code !== 'MEMREP_CORRUPTION') throw error;
        drops.push({
          offset,
          bytes: reader.recordEnd - offset,
          reason: `record is not a write batch (${(error as Error).message})`,
        });
      }
    }
    drops.sort((a, b) => a.offset - b.offset);
    logs.push({ number, length: bytes.length, records, drops });
  }

  const stopAt = logs.findIndex((log) => log.drops.length > 0);
  const stop = stopAt < 0 ? null : logs[stopAt];
  const stopOffset = stop ? stop.drops[0].offset : 0;
  if (stop) {
    const tail = stopAt === logs.length - 1 && !stop.records.some((r) => r.offset > stopOffset);
    if (mode === 'absolute' || (mode === 'tolerateTail' && !tail)) {
      const first = stop.drops[0];
      throw new MemrepError(
        'MEMREP_CORRUPTION',
        `log ${logFileName(stop.number)} in ${dir} is corrupt at offset ${first.offset} ` +
          `(${first.reason}, ${first.bytes} bytes${tail ? ', a torn tail' : ', not at the tail'}); ` +
          `recovery mode '${mode}' does not accept it`,
      );
    }
  }

  const replayable: Recovered['replayable'] = [];
  let replayed = 0;
  const dropped: WalDrop[] = [];
  const truncated: { logNumber: number; length: number }[] = [];
  const setAside: number[] = [];
  let lastSequence = 0;
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    if (stop && i > stopAt) {
      setAside.push(log.number);
      dropped.push({
        logNumber: log.number,
        offset: 0,
        bytes: log.length,
        reason: `log follows a bad record in ${logFileName(stop.number)}`,
      });
      continue;
    }
    let keptEnd = 0;
    let kept = 0;
    for (const record of log.records) {
      if (log === stop && record.offset > stopOffset) {
        dropped.push({
          logNumber: log.number,
          offset: record.offset,
          bytes: record.end - record.offset,
          reason: 'record follows a bad record',
        });
        continue;
      }
      kept++;
      keptEnd = record.end;
      const { sequence, count } = record;
      if (count > 0 && sequence + count - 1 > lastSequence) lastSequence = sequence + count - 1;
    }
    replayable.push({ logNumber: log.number, records: log.records, kept });
    replayed += kept;
    if (log === stop) {
      for (const drop of log.drops) dropped.push({ logNumber: log.number, ...drop });
      if (keptEnd < log.length) truncated.push({ logNumber: log.number, length: keptEnd });
    }
  }
  dropped.sort((a, b) => a.logNumber - b.logNumber || a.offset - b.offset);

  // Set later logs aside before cutting the stop log: cut first, a crash could leave the later
  // logs readable after the cut, replayed across the hole.
  for (const n of setAside) {
    const path = join(dir, logFileName(n));
    await io(`rename ${path}`, fs.rename(path, `${path}.dropped`));
  }
  if (setAside.length > 0) await io(`sync directory ${dir}`, fs.syncDir(dir));
  for (const { logNumber, length } of truncated) {
    const path = join(dir, logFileName(logNumber));
    await io(`truncate ${path}`, fs.truncate(path, length));
  }
  const onDisk = numbers.filter((n) => !setAside.includes(n));
  return {
    report: {
      logs: numbers,
      batches: replayed,
      lastSequence,
      dropped,
      truncated,
      setAside,
    },
    replayable,
    onDisk,
    next: highest + 1,
  };
}
