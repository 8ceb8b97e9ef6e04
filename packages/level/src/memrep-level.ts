import { join } from 'node:path';
import { compareBytes, MemrepTypeError, WriteBatch } from '@memrep/core';
import type { Snapshot } from '@memrep/lsm';
import { AbstractLevel, AbstractSnapshot } from 'abstract-level';
import { loadBackend } from './backends.js';
import { toBytes } from './bytes.js';
import type { CursorMode, KeyRange, LevelCursor } from './cursor.js';
import { MemrepIterator, MemrepKeyIterator, MemrepValueIterator } from './iterators.js';
import { type MemrepLevelOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { Store, WAL_DIR } from './store.js';
import { LevelTables, type MemtablesStats } from './tables.js';

/** Options of the private API: already encoded to the `view` format by abstract-level. */
interface PrivateOptions {
  snapshot?: unknown;
  gt?: unknown;
  gte?: unknown;
  lt?: unknown;
  lte?: unknown;
  reverse?: boolean;
  limit?: number;
  keys?: boolean;
  values?: boolean;
}

/** The options abstract-level passes to `_put`, `_del` and `_batch`. */
export interface WriteOptions {
  /** A boolean, else the write throws a TypeError: true syncs the WAL before it resolves. */
  sync?: unknown;
}

function syncOf(options: WriteOptions | undefined): boolean {
  const sync = options?.sync ?? false;
  if (typeof sync !== 'boolean')
    throw new MemrepTypeError(`sync must be a boolean; got ${String(sync)}`);
  return sync;
}

interface PrivateOperation {
  type: 'put' | 'del';
  key: unknown;
  value?: unknown;
}

/** Tombstones written per batch by a ranged `clear()`, between which other work may run. */
const CLEAR_CHUNK = 1024;

const kMemtables = Symbol('memrep.memtables');

/**
 * An explicit snapshot: a sequence number. Reads with it see, per key, the newest entry at or
 * below `seq`; compaction keeps those entries until the snapshot closes.
 */
export class MemrepSnapshot extends (AbstractSnapshot as unknown as new (options: {
  owner: object;
}) => AbstractSnapshot) {
  /** The memrep sequence number this snapshot reads at. */
  readonly seq: number;
  readonly [kMemtables]: LevelTables;
  readonly #pin: Snapshot;

  constructor(options: { owner: object }, tables: LevelTables) {
    super(options);
    this[kMemtables] = tables;
    this.#pin = tables.snapshot();
    this.seq = this.#pin.seq;
  }

  async _close(): Promise<void> {
    this.#pin.release();
  }
}

type Manifest = ConstructorParameters<typeof AbstractLevel>[0];

function manifest(durable: boolean): Manifest {
  return {
    // Every read pins a seq; an iterator also keeps the tables it started on.
    implicitSnapshots: true,
    explicitSnapshots: true,
    seek: true,
    has: true,
    getSync: true,
    // With a location the database is in its directory (the log and checkpoints); without one
    // it is in memory and every instance starts empty.
    permanence: durable,
    createIfMissing: durable,
    errorIfExists: durable,
    encodings: { view: true },
    // Every read is synchronous under its promise: there is nothing in flight to abort.
    signals: { iterators: false },
    additionalMethods: { compact: true, stats: true },
  } as Manifest;
}

/**
 * An abstract-level database on memrep memtables, with the memtable lifecycle of an LSM engine:
 * writes go to an active memtable that is frozen when it reaches `writeBufferSize`; reads
 * merge the active and frozen memtables newest first; size-tiered compaction merges frozen
 * memtables, dropping versions and tombstones no reader needs. Snapshots are memrep sequence
 * numbers. Keys and values are stored as bytes (`view`); every other encoding transcodes.
 *
 * Results in the `view` and `buffer` encodings are zero-copy views of memtable memory, as
 * memory-level hands out what it stores: read them freely, copy them before changing them.
 */
export class MemrepLevel<KDefault = string, VDefault = string> extends AbstractLevel<
  Uint8Array,
  KDefault,
  VDefault
> {
  readonly #options: ResolvedOptions;
  #memtables: LevelTables | null = null;
  readonly #location: string | undefined;
  readonly #fs: MemrepLevelOptions['fs'];
  #store: Store | null = null;
  /**
   * The last iterator of each kind, kept reachable so that V8 keeps their hidden classes across
   * full GCs (as `TableBase` does for its iterators and cursors): with no instance left, a GC
   * frees an iterator's class and deoptimizes the code built for it, and the next reads run
   * unoptimized until V8 compiles them again.
   */
  readonly #last: { iterator: unknown; keys: unknown; values: unknown } = {
    iterator: null,
    keys: null,
    values: null,
  };

  constructor(options?: MemrepLevelOptions<KDefault, VDefault>);
  /**
   * A durable database in the directory `location`: writes go through a write-ahead log,
   * frozen memtables are written out as checkpoints, `open()` recovers (README: durability).
   */
  constructor(location: string, options?: MemrepLevelOptions<KDefault, VDefault>);
  constructor(
    locationOrOptions?: string | MemrepLevelOptions<KDefault, VDefault>,
    maybeOptions?: MemrepLevelOptions<KDefault, VDefault>,
  ) {
    const options =
      (typeof locationOrOptions === 'object' && locationOrOptions !== null
        ? locationOrOptions
        : maybeOptions) ?? {};
    const location = typeof locationOrOptions === 'string' ? locationOrOptions : undefined;
    const resolved = resolveOptions(
      options as MemrepLevelOptions<unknown, unknown>,
      location !== undefined,
    );
    if (
      locationOrOptions !== undefined &&
      typeof locationOrOptions !== 'string' &&
      location === undefined &&
      typeof locationOrOptions !== 'object'
    ) {
      throw new MemrepTypeError(
        `location must be a directory path; got ${String(locationOrOptions)}`,
      );
    }
    if (location === '') throw new MemrepTypeError('location must be a non-empty directory path');
    const {
      backend,
      writeBufferSize,
      maxFrozenTables,
      autoCompaction,
      tableOptions,
      fs,
      ...forward
    } = options;
    super(manifest(location !== undefined), forward);
    this.#options = resolved;
    this.#location = location;
    this.#fs = fs;
  }

  /** The directory of a durable database; undefined in memory. */
  get location(): string | undefined {
    return this.#location;
  }

  /** An explicit snapshot: reads with it see the database as of `snapshot.seq`. */
  override snapshot(options?: object): MemrepSnapshot {
    return super.snapshot(options as never) as unknown as MemrepSnapshot;
  }

  /** What the memtables hold now: the visible seq, each table newest first, open snapshots. */
  stats(): MemtablesStats {
    return this.#open().stats();
  }

  /**
   * Merges every frozen memtable into one, dropping the versions and tombstones no open
   * snapshot needs. Compaction also runs by itself as memtables freeze; this forces it.
   */
  async compact(): Promise<void> {
    if (this.status === 'opening') return this.deferAsync(() => this.compact());
    await this.#open().compact(true);
  }

  async _open(options: { createIfMissing?: boolean; errorIfExists?: boolean }): Promise<void> {
    if (this.#memtables !== null) return;
    const backend = this.#options.backend;
    const factory = typeof backend === 'function' ? backend : await loadBackend(backend);
    const location = this.#location;
    if (location === undefined) {
      this.#memtables = await LevelTables.open(factory, this.#options);
      return;
    }
    const resolved = this.#options;
    const { store, runs } = await Store.open(
      location,
      {
        createIfMissing: options.createIfMissing !== false,
        errorIfExists: options.errorIfExists === true,
        fs: this.#fs,
      },
      (bytes) => factory(resolved.tableOptionsFor(bytes)),
    );
    try {
      const tables = await LevelTables.open(factory, resolved, {
        wal: { dir: join(location, WAL_DIR), fs: this.#fs },
        runs,
        onRuns: (r, ranges) => store.checkpoint(r, ranges),
      });
      this.#memtables = tables;
      this.#store = store;
    } catch (error) {
      await store.unlock();
      throw error;
    }
  }

  /** Closes the memtable list, then unlocks the store even if that threw; a no-op when not open. */
  async _close(): Promise<void> {
    const store = this.#store;
    if (store === null) return;
    const tables = this.#memtables!;
    this.#memtables = null;
    this.#store = null;
    try {
      await tables.close();
    } finally {
      await store.unlock();
    }
  }

  async _get(key: Uint8Array, options: PrivateOptions): Promise<Uint8Array | undefined> {
    const memtables = this.#memtables!;
    return memtables.get(toBytes(key), this.#snapshotSeq(memtables, options));
  }

  _getSync(key: Uint8Array, options: PrivateOptions): Uint8Array | undefined {
    const memtables = this.#memtables!;
    return memtables.get(toBytes(key), this.#snapshotSeq(memtables, options));
  }

  async _getMany(keys: Uint8Array[], options: PrivateOptions): Promise<(Uint8Array | undefined)[]> {
    const memtables = this.#memtables!;
    const seq = this.#snapshotSeq(memtables, options);
    const values = new Array<Uint8Array | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) values[i] = memtables.get(toBytes(keys[i]), seq);
    return values;
  }

  async _has(key: Uint8Array, options: PrivateOptions): Promise<boolean> {
    const memtables = this.#memtables!;
    return memtables.has(toBytes(key), this.#snapshotSeq(memtables, options));
  }

  async _hasMany(keys: Uint8Array[], options: PrivateOptions): Promise<boolean[]> {
    const memtables = this.#memtables!;
    const seq = this.#snapshotSeq(memtables, options);
    const found = new Array<boolean>(keys.length);
    for (let i = 0; i < keys.length; i++) found[i] = memtables.has(toBytes(keys[i]), seq);
    return found;
  }

  async _put(key: Uint8Array, value: Uint8Array, options: WriteOptions): Promise<void> {
    await this.#memtables!.write(
      new WriteBatch().put(toBytes(key), toBytes(value)),
      syncOf(options),
    );
  }

  async _del(key: Uint8Array, options: WriteOptions): Promise<void> {
    await this.#memtables!.write(new WriteBatch().delete(toBytes(key)), syncOf(options));
  }

  async _batch(operations: PrivateOperation[], options: WriteOptions): Promise<void> {
    const batch = new WriteBatch();
    for (let i = 0; i < operations.length; i++) {
      const op = operations[i];
      if (op.type === 'put') batch.put(toBytes(op.key), toBytes(op.value));
      else batch.delete(toBytes(op.key));
    }
    if (batch.count > 0) await this.#memtables!.write(batch, syncOf(options));
  }

  /**
   * Clearing everything, with no snapshot open, drops the memtables whole. A clear without a
   * limit or an explicit snapshot is one range tombstone over the range, whatever it holds.
   * With a limit or a snapshot (which name the keys to delete, not a range), every live key in
   * the range as of that snapshot gets a tombstone, in atomic chunks with a pause between
   * them, as memory-level breathes.
   */
  async _clear(options: PrivateOptions): Promise<void> {
    const memtables = this.#memtables!;
    const range = toRange(options);
    const limit = options.limit ?? -1;
    if (limit < 0 && options.snapshot == null) {
      if (range.lower === undefined && range.upper === undefined && (await this.#dropAll())) {
        return;
      }
      const start =
        range.lower === undefined ? EMPTY : successorIf(range.lower, range.lowerExclusive);
      const end =
        range.upper === undefined
          ? this.#endAfterLastKey(memtables, range)
          : successorIf(range.upper, !range.upperExclusive);
      if (end !== undefined && compareBytes(start, end) < 0) {
        await memtables.write(new WriteBatch().deleteRange(start, end), false);
      }
      return;
    }
    const cursor = memtables.cursor(this.#snapshotSeq(memtables, options), range, 'keys');
    let remaining = limit < 0 ? Number.POSITIVE_INFINITY : limit;
    const chunk = new WriteBatch();
    try {
      while (remaining > 0 && cursor.next()) {
        chunk.delete(cursor.key!);
        remaining--;
        if (chunk.count === CLEAR_CHUNK) {
          await memtables.write(chunk, false);
          chunk.clear();
          await breathe();
        }
      }
      if (chunk.count > 0) await memtables.write(chunk, false);
    } finally {
      cursor.release();
    }
  }

  /** Just past the last live key in `range` (unbounded above), or undefined when it holds none. */
  #endAfterLastKey(memtables: LevelTables, range: KeyRange): Uint8Array | undefined {
    const cursor = memtables.cursor(memtables.visibleSeq, { ...range, reverse: true }, 'keys');
    try {
      return cursor.next() ? successorIf(cursor.key!, true) : undefined;
    } finally {
      cursor.release();
    }
  }

  _iterator(options: PrivateOptions): MemrepIterator {
    const mode: CursorMode =
      options.values === false ? 'keys' : options.keys === false ? 'values' : 'entries';
    const iterator = new MemrepIterator(this, options as never, this.#cursor(options, mode));
    this.#last.iterator = iterator;
    return iterator;
  }

  _keys(options: PrivateOptions): MemrepKeyIterator {
    const iterator = new MemrepKeyIterator(this, options as never, this.#cursor(options, 'keys'));
    this.#last.keys = iterator;
    return iterator;
  }

  _values(options: PrivateOptions): MemrepValueIterator {
    const iterator = new MemrepValueIterator(
      this,
      options as never,
      this.#cursor(options, 'values'),
    );
    this.#last.values = iterator;
    return iterator;
  }

  _snapshot(options: { owner: object }): MemrepSnapshot {
    return new MemrepSnapshot(options, this.#memtables!);
  }

  /**
   * Drops every table whole when no snapshot is pinned (the fast whole-database clear) and
   * returns true; returns false, having dropped nothing, when a snapshot still needs the data
   * or a write made meanwhile shares a run with it.
   */
  async #dropAll(): Promise<boolean> {
    const memtables = this.#memtables!;
    if (memtables.list.pinnedSnapshots.length > 0) return false;
    const cutoff = memtables.list.lastSeq;
    await memtables.compact(false);
    if (memtables.list.pinnedSnapshots.length > 0) return false;
    if (memtables.list.tables.some((t) => t.count > 0)) return false;
    if (memtables.runs.some((t) => t.lastSeq > cutoff)) return false;
    await memtables.dropRuns();
    return true;
  }

  #cursor(options: PrivateOptions, mode: CursorMode): LevelCursor {
    const memtables = this.#memtables!;
    return memtables.cursor(this.#snapshotSeq(memtables, options), toRange(options), mode);
  }

  #snapshotSeq(memtables: LevelTables, options: PrivateOptions): number {
    const snapshot = options.snapshot;
    if (snapshot == null) return memtables.visibleSeq;
    if (snapshot instanceof MemrepSnapshot && snapshot[kMemtables] === memtables) {
      return snapshot.seq;
    }
    throw new MemrepTypeError('snapshot must be one created by this database (db.snapshot())');
  }

  #open(): LevelTables {
    if (this.status !== 'open' || this.#memtables === null) {
      throw Object.assign(new Error('Database is not open'), { code: 'LEVEL_DATABASE_NOT_OPEN' });
    }
    return this.#memtables;
  }
}

const EMPTY = new Uint8Array(0);

/** abstract-level's range options in normal form: `gte` wins over `gt`, `lte` over `lt`. */
function toRange(options: PrivateOptions): KeyRange {
  let lower: Uint8Array | undefined;
  let lowerExclusive = false;
  let upper: Uint8Array | undefined;
  let upperExclusive = false;
  if (options.gte !== undefined) lower = toBytes(options.gte);
  else if (options.gt !== undefined) {
    lower = toBytes(options.gt);
    lowerExclusive = true;
  }
  if (options.lte !== undefined) upper = toBytes(options.lte);
  else if (options.lt !== undefined) {
    upper = toBytes(options.lt);
    upperExclusive = true;
  }
  return { lower, lowerExclusive, upper, upperExclusive, reverse: options.reverse === true };
}

/** `key` itself, or with `next` the smallest key after it (`key` and a 0x00 byte). */
function successorIf(key: Uint8Array, next: boolean): Uint8Array {
  if (!next) return key;
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  return out;
}

function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
