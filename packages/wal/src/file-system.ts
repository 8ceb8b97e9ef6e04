import { constants, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';

/**
 * One open log file, written at explicit positions. What the log needs of a file and no more.
 */
export interface WalFile {
  /** Writes all of `bytes[start, end)` at file offset `position` (to the OS, not yet durable). */
  write(bytes: Uint8Array, start: number, end: number, position: number): Promise<void>;
  /**
   * `write`, done before it returns (a `write(2)` on the calling thread; throws what `write`
   * rejects with). Optional: the log uses it, where present, for every group's write, so that
   * an unsynced group costs one system call and no round trip through the thread pool, and a
   * synced one a single round trip (its `datasync`).
   */
  writeSync?(bytes: Uint8Array, start: number, end: number, position: number): void;
  /** Makes every byte written so far durable (`fdatasync`). */
  datasync(): Promise<void>;
  /** Releases the handle without syncing; bytes not yet `datasync`ed may still be lost. REQUIRES: no write under way. */
  close(): Promise<void>;
}

/**
 * The file layer under the log: the operations a crash can interrupt, each one a seam for
 * fault injection (`FaultFileSystem` in `@memrep/wal/testing`). Paths are absolute or relative
 * to the process's working directory; a failure rejects with whatever the layer throws (the log
 * turns it into `MEMREP_IO`).
 */
export interface WalFileSystem {
  /** Creates `dir` and its parents; no-op if it exists. */
  mkdir(dir: string): Promise<void>;
  /** Names in `dir`; rejects with an `ENOENT` error if it does not exist. */
  readdir(dir: string): Promise<string[]>;
  /** The whole file at `path` as it is now (durable or not); rejects with an `ENOENT` error if it does not exist. */
  readFile(path: string): Promise<Uint8Array>;
  /** Creates a new empty file for writing; rejects if `path` exists (`O_CREAT | O_EXCL`). */
  createExclusive(path: string): Promise<WalFile>;
  /** Cuts the file at `path` to `length` bytes and makes that durable (`ftruncate` + `fsync`). */
  truncate(path: string, length: number): Promise<void>;
  /** Renames within a directory (durable only after `syncDir`). */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file (durable only after `syncDir`). */
  unlink(path: string): Promise<void>;
  /** Makes the directory's entries durable (`fsync` of the directory). */
  syncDir(dir: string): Promise<void>;
}

class NodeWalFile implements WalFile {
  readonly #handle: import('node:fs/promises').FileHandle;
  constructor(handle: import('node:fs/promises').FileHandle) {
    this.#handle = handle;
  }

  async write(bytes: Uint8Array, start: number, end: number, position: number): Promise<void> {
    while (start < end) {
      const { bytesWritten } = await this.#handle.write(bytes, start, end - start, position);
      start += bytesWritten;
      position += bytesWritten;
    }
  }

  writeSync(bytes: Uint8Array, start: number, end: number, position: number): void {
    const fd = this.#handle.fd;
    while (start < end) {
      const written = writeSync(fd, bytes, start, end - start, position);
      start += written;
      position += written;
    }
  }

  datasync(): Promise<void> {
    return this.#handle.datasync();
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}

/** The real file layer over `node:fs/promises`. */
export const nodeFileSystem: WalFileSystem = {
  async mkdir(dir) {
    await mkdir(dir, { recursive: true });
  },
  readdir: (dir) => readdir(dir),
  readFile: (path) => readFile(path),
  async createExclusive(path) {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
    return new NodeWalFile(await open(path, flags, 0o644));
  },
  async truncate(path, length) {
    const handle = await open(path, 'r+');
    try {
      await handle.truncate(length);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
  unlink: (path) => unlink(path),
  async syncDir(dir) {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};
