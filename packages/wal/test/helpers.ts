import { WriteBatch } from '@memrep/core';
import {
  BLOCK_SIZE,
  encodeRecord,
  framedSize,
  type LogDrop,
  LogReader,
  type WalFile,
  type WalFileSystem,
} from '../src/index.js';

/** A log being written in memory, as LevelDB's `log_test` StringDest. */
export class MemoryLog {
  bytes = new Uint8Array(0);
  length = 0;
  /** File offset of each record written. */
  readonly offsets: number[] = [];

  write(payload: Uint8Array | string): this {
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    const size = framedSize(bytes.length, this.length % BLOCK_SIZE);
    if (this.length + size > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.length + size, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.offsets.push(this.length);
    const end = encodeRecord(bytes, this.length % BLOCK_SIZE, this.bytes, this.length);
    if (end !== this.length + size) throw new Error('framedSize disagrees with encodeRecord');
    this.length = end;
    return this;
  }

  contents(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/**
 * `bytes` as a preallocating writer leaves them: zeros after them to a block boundary, then
 * `blocks` more blocks of zeros.
 */
export function preallocated(bytes: Uint8Array, blocks = 1): Uint8Array {
  const out = new Uint8Array(
    Math.ceil(bytes.length / BLOCK_SIZE) * BLOCK_SIZE + blocks * BLOCK_SIZE,
  );
  out.set(bytes);
  return out;
}

/** Every record of `bytes` as text, and the drops reported. */
export function readAll(bytes: Uint8Array): { records: string[]; drops: LogDrop[] } {
  const drops: LogDrop[] = [];
  const reader = new LogReader(bytes, (drop) => drops.push(drop));
  const records: string[] = [];
  for (let r = reader.next(); r !== null; r = reader.next())
    records.push(new TextDecoder().decode(r));
  return { records, drops };
}

export function bigString(partial: string, n: number): string {
  return partial.repeat(Math.ceil(n / partial.length)).slice(0, n);
}

export function dropped(drops: readonly { bytes: number }[]): number {
  return drops.reduce((n, d) => n + d.bytes, 0);
}

/** A batch of `ops` puts numbered from `seq`, with values of `valueSize` bytes. */
export function batchOf(seq: number, ops = 1, valueSize = 16): WriteBatch {
  const batch = new WriteBatch();
  for (let i = 0; i < ops; i++) {
    const key = new TextEncoder().encode(`key-${seq + i}`);
    batch.put(key, new Uint8Array(valueSize).fill((seq + i) & 0xff));
  }
  batch.sequence = seq;
  return batch;
}

/** A tiny seeded PRNG (mulberry32) for workloads that must replay the same way. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `inner` with every file it creates passed through `wrap` (to drop or delay file methods). */
export function wrapFiles(inner: WalFileSystem, wrap: (file: WalFile) => WalFile): WalFileSystem {
  return {
    mkdir: (dir) => inner.mkdir(dir),
    readdir: (dir) => inner.readdir(dir),
    readFile: (path) => inner.readFile(path),
    truncate: (path, length) => inner.truncate(path, length),
    rename: (from, to) => inner.rename(from, to),
    unlink: (path) => inner.unlink(path),
    syncDir: (dir) => inner.syncDir(dir),
    createExclusive: async (path) => wrap(await inner.createExclusive(path)),
  };
}

/**
 * Files whose `datasync` waits until the test calls `release()`, after the first `passed`
 * syncs (a new log's preallocation sync) went through; `started` resolves when the first held
 * sync is called (appends made then land while a group is being synced).
 */
export function heldSyncs(
  keepWriteSync: boolean,
  passed = 0,
): {
  wrap: (file: WalFile) => WalFile;
  started: Promise<void>;
  release: () => void;
} {
  let start!: () => void;
  let release!: () => void;
  const started = new Promise<void>((r) => (start = r));
  const gate = new Promise<void>((r) => (release = r));
  const wrap = (file: WalFile): WalFile => ({
    write: (...args) => file.write(...args),
    writeSync: keepWriteSync ? (...args) => file.writeSync!(...args) : undefined,
    datasync: async () => {
      if (passed > 0) {
        passed--;
        return file.datasync();
      }
      start();
      await gate;
      return file.datasync();
    },
    close: () => file.close(),
  });
  return { wrap, started, release };
}
