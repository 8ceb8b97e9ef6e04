import { dirname } from 'node:path';
import type { WalFile, WalFileSystem } from './file-system.js';

/** The operations a `FaultFileSystem` counts (each one a crash point). */
export type FaultOp =
  | 'create'
  | 'write'
  | 'datasync'
  | 'truncate'
  | 'rename'
  | 'unlink'
  | 'syncDir';

/** Thrown by the operation a simulated crash stops at, and by every operation after it. */
export class SimulatedCrash extends Error {
  constructor(op: string) {
    super(`simulated crash at ${op}`);
    this.name = 'SimulatedCrash';
  }
}

/** How a crash treats what was not made durable. */
export interface CrashOptions {
  /**
   * How many bytes of the file's unsynced writes (in write order, `unsynced` in all) reach
   * the disk: 0 (the default) keeps only what was synced, `unsynced` keeps everything (a
   * process crash), anything between tears the write it falls in at that byte.
   */
  keepUnsynced?: (path: string, unsynced: number) => number;
  /** An index into the kept unsynced bytes to flip (xor 0xff), or -1 for none. */
  flip?: (path: string, keptUnsynced: number) => number;
  /** Whether directory changes since the last `syncDir` (creates, renames, unlinks) survive. Default false. */
  keepDirOps?: boolean;
}

interface Inode {
  data: Uint8Array;
  length: number;
  synced: Uint8Array;
  /** Writes since the last sync, in order. */
  pending: { position: number; bytes: Uint8Array }[];
}

/**
 * An in-memory `WalFileSystem` that models what survives a crash, for tests (the way
 * LevelDB's `FaultInjectionTestEnv` and SQLite's crash tests do):
 *
 * 1. File bytes are durable only once `datasync` (or `truncate`, which syncs) covered them;
 *    directory entries only once `syncDir` of their directory ran.
 * 2. `crashAt = n` stops the n-th counted operation (1-based): a write or directory change is
 *    applied but not made durable, a sync does not happen, and it and everything after it
 *    throw `SimulatedCrash`.
 * 3. `crash()` returns the file system a restart would see: synced bytes, plus as much of the
 *    unsynced writes as `keepUnsynced` says (torn at any byte), bytes flipped as `flip` says.
 * 4. `failNext(op)` makes the next such operation fail with `EIO` (a write first writes half
 *    its bytes), without crashing.
 */
export class FaultFileSystem implements WalFileSystem {
  /** Counted operations so far. */
  ops = 0;
  /** The operation number to crash at (1-based); 0 for none. */
  crashAt = 0;
  /** The counted operations in order, for choosing crash points. */
  readonly history: FaultOp[] = [];
  #dead = false;
  #fail = new Set<FaultOp>();
  readonly #dirs = new Set<string>();
  #entries = new Map<string, Inode>();
  #durable = new Map<string, Inode>();

  /** Whether a crash point was reached. */
  get crashed(): boolean {
    return this.#dead;
  }

  /** Makes the next operation of kind `op` fail with `EIO`. */
  failNext(op: FaultOp): void {
    this.#fail.add(op);
  }

  /** The current (OS-visible) bytes of a file, or undefined. */
  peek(path: string): Uint8Array | undefined {
    const inode = this.#entries.get(path);
    return inode?.data.slice(0, inode.length);
  }

  /** Overwrites bytes of a file as it is now and as synced (bit rot, for tests). */
  corrupt(path: string, offset: number, bytes: Uint8Array): void {
    const inode = this.#entries.get(path);
    if (!inode) throw new Error(`no file ${path}`);
    inode.data.set(bytes, offset);
    if (offset < inode.synced.length)
      inode.synced.set(bytes.subarray(0, inode.synced.length - offset), offset);
  }

  /** Writes a whole file as durable (for tests that start from given bytes). */
  put(path: string, bytes: Uint8Array): void {
    this.#dirs.add(dirname(path));
    const inode: Inode = {
      data: bytes.slice(),
      length: bytes.length,
      synced: bytes.slice(),
      pending: [],
    };
    this.#entries.set(path, inode);
    this.#durable.set(path, inode);
  }

  /** The file system as a restart after a crash sees it (see the class invariants). */
  crash(options: CrashOptions = {}): FaultFileSystem {
    this.#dead = true;
    const next = new FaultFileSystem();
    for (const dir of this.#dirs) next.#dirs.add(dir);
    const entries = options.keepDirOps ? this.#entries : this.#durable;
    const seen = new Map<Inode, Uint8Array>();
    for (const [path, inode] of entries) {
      let bytes = seen.get(inode);
      if (!bytes) {
        bytes = survivingBytes(path, inode, options);
        seen.set(inode, bytes);
      }
      next.put(path, bytes);
    }
    return next;
  }

  #count(op: FaultOp): void {
    if (this.#dead) throw new SimulatedCrash(`${op} after the crash`);
    this.ops++;
    this.history.push(op);
  }

  #crashHere(): boolean {
    if (this.crashAt === 0 || this.crashAt !== this.ops) return false;
    this.#dead = true;
    return true;
  }

  #failHere(op: FaultOp): boolean {
    return this.#fail.delete(op);
  }

  async mkdir(dir: string): Promise<void> {
    if (this.#dead) throw new SimulatedCrash('mkdir after the crash');
    for (let d = dir; !this.#dirs.has(d) && d !== dirname(d); d = dirname(d)) this.#dirs.add(d);
  }

  async readdir(dir: string): Promise<string[]> {
    if (this.#dead) throw new SimulatedCrash('readdir after the crash');
    if (!this.#dirs.has(dir)) throw errno('ENOENT', `readdir ${dir}`);
    const names: string[] = [];
    for (const path of this.#entries.keys())
      if (dirname(path) === dir) names.push(path.slice(dir.length + 1));
    return names;
  }

  async readFile(path: string): Promise<Uint8Array> {
    if (this.#dead) throw new SimulatedCrash('readFile after the crash');
    const inode = this.#entries.get(path);
    if (!inode) throw errno('ENOENT', `open ${path}`);
    return inode.data.slice(0, inode.length);
  }

  async createExclusive(path: string): Promise<WalFile> {
    this.#count('create');
    if (this.#failHere('create')) throw errno('EIO', `open ${path}`);
    if (this.#entries.has(path)) throw errno('EEXIST', `open ${path}`);
    if (!this.#dirs.has(dirname(path))) throw errno('ENOENT', `open ${path}`);
    const inode: Inode = {
      data: new Uint8Array(0),
      length: 0,
      synced: new Uint8Array(0),
      pending: [],
    };
    this.#entries.set(path, inode);
    if (this.#crashHere()) throw new SimulatedCrash('create');
    return new FaultFile(this, inode);
  }

  /** @internal */
  writeInode(inode: Inode, bytes: Uint8Array, position: number): void {
    this.#count('write');
    if (this.#failHere('write')) {
      applyWrite(inode, bytes.subarray(0, bytes.length >>> 1), position);
      throw errno('EIO', 'write');
    }
    applyWrite(inode, bytes, position);
    if (this.#crashHere()) throw new SimulatedCrash('write');
  }

  /** @internal */
  async syncInode(inode: Inode): Promise<void> {
    this.#count('datasync');
    if (this.#failHere('datasync')) throw errno('EIO', 'fdatasync');
    if (this.#crashHere()) throw new SimulatedCrash('datasync');
    inode.synced = inode.data.slice(0, inode.length);
    inode.pending = [];
  }

  async truncate(path: string, length: number): Promise<void> {
    this.#count('truncate');
    if (this.#failHere('truncate')) throw errno('EIO', `truncate ${path}`);
    const inode = this.#entries.get(path);
    if (!inode) throw errno('ENOENT', `open ${path}`);
    if (length < inode.length) inode.data.fill(0, length, inode.length);
    else growTo(inode, length);
    inode.length = length;
    inode.pending = inode.pending.filter((w) => w.position < length);
    if (this.#crashHere()) throw new SimulatedCrash('truncate');
    inode.synced = inode.data.slice(0, length);
    inode.pending = [];
  }

  async rename(from: string, to: string): Promise<void> {
    this.#count('rename');
    if (this.#failHere('rename')) throw errno('EIO', `rename ${from}`);
    const inode = this.#entries.get(from);
    if (!inode) throw errno('ENOENT', `rename ${from}`);
    this.#entries.delete(from);
    this.#entries.set(to, inode);
    if (this.#crashHere()) throw new SimulatedCrash('rename');
  }

  async unlink(path: string): Promise<void> {
    this.#count('unlink');
    if (this.#failHere('unlink')) throw errno('EIO', `unlink ${path}`);
    if (!this.#entries.delete(path)) throw errno('ENOENT', `unlink ${path}`);
    if (this.#crashHere()) throw new SimulatedCrash('unlink');
  }

  async syncDir(dir: string): Promise<void> {
    this.#count('syncDir');
    if (this.#failHere('syncDir')) throw errno('EIO', `fsync ${dir}`);
    if (this.#crashHere()) throw new SimulatedCrash('syncDir');
    for (const path of [...this.#durable.keys()]) {
      if (dirname(path) === dir && this.#entries.get(path) !== this.#durable.get(path)) {
        this.#durable.delete(path);
      }
    }
    for (const [path, inode] of this.#entries)
      if (dirname(path) === dir) this.#durable.set(path, inode);
  }
}

class FaultFile implements WalFile {
  readonly #fs: FaultFileSystem;
  readonly #inode: Inode;
  constructor(fs: FaultFileSystem, inode: Inode) {
    this.#fs = fs;
    this.#inode = inode;
  }
  async write(bytes: Uint8Array, start: number, end: number, position: number): Promise<void> {
    this.#fs.writeInode(this.#inode, bytes.slice(start, end), position);
  }
  writeSync(bytes: Uint8Array, start: number, end: number, position: number): void {
    this.#fs.writeInode(this.#inode, bytes.slice(start, end), position);
  }
  datasync(): Promise<void> {
    return this.#fs.syncInode(this.#inode);
  }
  async close(): Promise<void> {}
}

function growTo(inode: Inode, length: number): void {
  if (length <= inode.data.length) return;
  const grown = new Uint8Array(Math.max(length, inode.data.length * 2, 4096));
  grown.set(inode.data.subarray(0, inode.length));
  inode.data = grown;
}

function applyWrite(inode: Inode, bytes: Uint8Array, position: number): void {
  growTo(inode, position + bytes.length);
  inode.data.set(bytes, position);
  inode.length = Math.max(inode.length, position + bytes.length);
  inode.pending.push({ position, bytes: bytes.slice() });
}

function survivingBytes(path: string, inode: Inode, options: CrashOptions): Uint8Array {
  const unsynced = inode.pending.reduce((n, w) => n + w.bytes.length, 0);
  const keep = Math.max(0, Math.min(unsynced, options.keepUnsynced?.(path, unsynced) ?? 0));
  const flip = keep > 0 ? (options.flip?.(path, keep) ?? -1) : -1;
  const out: Inode = {
    data: inode.synced.slice(),
    length: inode.synced.length,
    synced: inode.synced,
    pending: [],
  };
  let left = keep;
  let seen = 0;
  for (const write of inode.pending) {
    if (left === 0) break;
    const part = write.bytes.subarray(0, Math.min(left, write.bytes.length)).slice();
    if (flip >= seen && flip < seen + part.length) part[flip - seen] ^= 0xff;
    applyWrite(out, part, write.position);
    seen += part.length;
    left -= part.length;
  }
  return out.data.slice(0, out.length);
}

function errno(code: string, what: string): Error {
  return Object.assign(new Error(`${code}: ${what}`), { code });
}
