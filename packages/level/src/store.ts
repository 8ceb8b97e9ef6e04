import { constants } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MemrepError, type Table, type TableMut } from '@memrep/core';
import { nodeFileSystem, type WalFileSystem } from '@memrep/wal';
import {
  type CheckpointFile,
  checkpointName,
  decodeCheckpoint,
  encodeCheckpoint,
  listCheckpoints,
  writeCheckpoint,
} from './checkpoint.js';

/** The options of a database in a directory, as the store needs them. */
export interface StoreOptions {
  createIfMissing: boolean;
  errorIfExists: boolean;
  /** The file layer of the log and the checkpoints (a `FaultFileSystem` in tests). */
  fs?: WalFileSystem;
}

/** The log's directory inside the database's. */
export const WAL_DIR = 'wal';
const LOCK = 'LOCK';

/**
 * A database's directory: `LOCK` (the pid of the process that has it open), `wal/` (the
 * write-ahead log, `@memrep/wal`) and `NNNNNN.ckpt` checkpoint files, one per sorted run.
 *
 * Invariants:
 * 1. A checkpoint file is whole or absent: written as `.tmp`, fdatasynced, renamed, the
 *    directory synced. Only then do the logs it covers go (the list releases them after the
 *    flush callback resolves), and the files it replaces are unlinked.
 * 2. The live files (those no other valid file replaces) cover seqs `[0, to]` without a gap
 *    or an overlap; the log holds every acknowledged write after `to`.
 */
export class Store {
  readonly dir: string;
  readonly fs: WalFileSystem;
  readonly #files = new Map<Table, CheckpointFile>();
  #next = 1;
  #locked = false;

  private constructor(dir: string, fs: WalFileSystem) {
    this.dir = dir;
    this.fs = fs;
  }

  /**
   * Opens (or creates) the directory, takes its lock and reads its checkpoints into tables made
   * by `createTable`, newest first.
   *
   * Errors: `MEMREP_LOCKED` (open in a live process), `MEMREP_NOT_FOUND` (missing and not
   * `createIfMissing`), `MEMREP_EXISTS` (present and `errorIfExists`), `MEMREP_CORRUPTION` (the
   * checkpoints leave a gap), `MEMREP_IO`.
   */
  static async open(
    dir: string,
    options: StoreOptions,
    createTable: (bytes: number) => TableMut,
  ): Promise<{ store: Store; runs: { table: TableMut; from: number; to: number }[] }> {
    const fs = options.fs ?? nodeFileSystem;
    const store = new Store(dir, fs);
    const exists = await isDatabase(fs, dir);
    if (!exists && !options.createIfMissing) {
      throw new MemrepError('MEMREP_NOT_FOUND', `${dir} does not exist (createIfMissing is false)`);
    }
    if (exists && options.errorIfExists) {
      throw new MemrepError('MEMREP_EXISTS', `${dir} exists (errorIfExists is true)`);
    }
    await fs.mkdir(dir);
    if (fs === nodeFileSystem) await store.#lock();
    try {
      return { store, runs: await store.#recover(createTable) };
    } catch (error) {
      await store.unlock();
      throw error;
    }
  }

  async #recover(
    createTable: (bytes: number) => TableMut,
  ): Promise<{ table: TableMut; from: number; to: number }[]> {
    const fs = this.fs;
    const found = await listCheckpoints(fs, this.dir);
    for (const tmp of found.temporary) await fs.unlink(tmp);
    const valid = new Map<number, CheckpointFile>();
    for (const [n, bytes] of found.files) {
      if (n >= this.#next) this.#next = n + 1;
      try {
        valid.set(n, decodeCheckpoint(bytes, null));
      } catch {
        // A corrupt file is set aside below unless another one holds what it held.
      }
    }
    const replaced = new Set<number>();
    for (const f of valid.values()) for (const n of f.replaces) replaced.add(n);
    const live = [...valid.values()]
      .filter((f) => !replaced.has(f.number))
      .sort((a, b) => b.to - a.to);
    for (let i = 0; i < live.length; i++) {
      const older = i + 1 < live.length ? live[i + 1].to : -1;
      if (live[i].from !== older + 1) {
        throw new MemrepError(
          'MEMREP_CORRUPTION',
          `${this.dir}: checkpoints leave seqs ${older + 1}..${live[i].from - 1} uncovered ` +
            '(a checkpoint file is missing or corrupt)',
        );
      }
    }
    const runs: { table: TableMut; from: number; to: number }[] = [];
    for (const f of live) {
      const bytes = found.files.get(f.number)!;
      const table = createTable(bytes.length);
      decodeCheckpoint(bytes, table, true);
      table.freeze();
      this.#files.set(table, f);
      runs.push({ table, from: f.from, to: f.to });
    }
    const keep = new Set(live.map((f) => f.number));
    let removed = false;
    for (const n of found.files.keys()) {
      if (keep.has(n)) continue;
      const path = join(this.dir, checkpointName(n));
      if (valid.has(n)) await fs.unlink(path);
      else await fs.rename(path, `${path}.corrupt`);
      removed = true;
    }
    if (removed || found.temporary.length > 0) await fs.syncDir(this.dir);
    return runs;
  }

  /**
   * Writes a checkpoint of every run that has none yet, each replacing the files of the runs
   * merged into it, then removes the files of runs that are gone (invariant 1).
   */
  async checkpoint(runs: readonly Table[], ranges: ReadonlyMap<Table, readonly [number, number]>) {
    const present = new Set(runs);
    const gone: CheckpointFile[] = [];
    for (const [table, file] of this.#files) if (!present.has(table)) gone.push(file);
    for (const run of runs) {
      if (this.#files.has(run)) continue;
      const [from, to] = ranges.get(run)!;
      const replaces = gone.filter((f) => f.from >= from && f.to <= to).map((f) => f.number);
      const file = { number: this.#next++, from, to, replaces };
      await writeCheckpoint(this.fs, this.dir, file.number, encodeCheckpoint(file, run));
      this.#files.set(run, file);
    }
    if (gone.length === 0) return;
    for (const f of gone) {
      await this.fs.unlink(join(this.dir, checkpointName(f.number)));
      for (const [t, g] of this.#files) if (g === f) this.#files.delete(t);
    }
    await this.fs.syncDir(this.dir);
  }

  /** Bytes of the checkpoints now on disk. */
  get checkpointFiles(): number {
    return this.#files.size;
  }

  async #lock(): Promise<void> {
    const path = join(this.dir, LOCK);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
        await handle.writeFile(String(process.pid));
        await handle.close();
        this.#locked = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new MemrepError(
          'MEMREP_LOCKED',
          `${this.dir} is open in process ${pid}${pid === process.pid ? ' (this one)' : ''}`,
        );
      }
      // A lock left by a dead process (or half written by one): take it over.
      await unlink(path).catch(() => undefined);
    }
    throw new MemrepError('MEMREP_LOCKED', `${this.dir}: another process took the lock first`);
  }

  async unlock(): Promise<void> {
    if (!this.#locked) return;
    this.#locked = false;
    await unlink(join(this.dir, LOCK)).catch(() => undefined);
  }
}

async function isDatabase(fs: WalFileSystem, dir: string): Promise<boolean> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return false;
  }
  return names.includes(WAL_DIR) || names.some((n) => n.endsWith('.ckpt'));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
