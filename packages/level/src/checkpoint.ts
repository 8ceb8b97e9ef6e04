import { join } from 'node:path';
import { MemrepError, type Table, type TableMut } from '@memrep/core';
import { FragmentedRangeTombstones } from '@memrep/core/backend';
import { crc32c, maskCrc, unmaskCrc, type WalFileSystem } from '@memrep/wal';

/** "MRCK", the first four bytes of every checkpoint file. */
const MAGIC = 0x4b43524d;
const VERSION = 1;
const HEADER = 4 + 4 + 4 + 8 + 8 + 4;
/** An entry's bytes besides its key and value: kind, seq, the two lengths. */
const ENTRY_FRAMING = 1 + 8 + 4 + 4;
const SUFFIX = '.ckpt';
const TMP = '.ckpt.tmp';

/** One checkpoint file: a sorted run covering the writes with seqs in `[from, to]`. */
export interface CheckpointFile {
  readonly number: number;
  readonly from: number;
  readonly to: number;
  /** Files whose writes this one holds (merged into it); they go once it is durable. */
  readonly replaces: readonly number[];
}

export function checkpointName(n: number): string {
  return `${String(n).padStart(6, '0')}${SUFFIX}`;
}

/**
 * The bytes of a checkpoint of `table`: a header (magic, version, number, from, to, the files
 * it replaces), its range tombstones, its entries in internal order (every version and point
 * tombstone), and a masked CRC32C of all of it. Independent of the backend: keys, values, seqs.
 */
export function encodeCheckpoint(file: CheckpointFile, table: Table): Uint8Array {
  const ranges = new FragmentedRangeTombstones(
    table.rangeTombstones({ snapshot: Number.MAX_SAFE_INTEGER }),
  ).tombstones;
  let head = HEADER + 4 * file.replaces.length + 8;
  for (const r of ranges) head += 8 + r.start.length + r.end.length + 8;
  // One walk of the table: sized from its count and dataSize (which hold every entry and raw
  // range tombstone, so the estimate is exact or above for a TableBase backend); grown if a
  // table of its own counts otherwise.
  let out = new Uint8Array(head + table.count * ENTRY_FRAMING + table.dataSize + 4);
  let view = new DataView(out.buffer);
  let at = 0;
  const u32 = (v: number) => {
    view.setUint32(at, v, true);
    at += 4;
  };
  const f64 = (v: number) => {
    view.setFloat64(at, v, true);
    at += 8;
  };
  const bytes = (b: Uint8Array) => {
    u32(b.length);
    out.set(b, at);
    at += b.length;
  };
  u32(MAGIC);
  u32(VERSION);
  u32(file.number);
  f64(file.from);
  f64(file.to);
  u32(file.replaces.length);
  for (const n of file.replaces) u32(n);
  u32(ranges.length);
  for (const r of ranges) {
    bytes(r.start);
    bytes(r.end);
    f64(r.seq);
  }
  const countAt = at;
  at += 4;
  let entries = 0;
  const cursor = table.cursor();
  for (cursor.first(); cursor.valid; cursor.next()) {
    const need = ENTRY_FRAMING + cursor.keyLength + cursor.valueLength + 4;
    if (at + need > out.length) {
      const grown = new Uint8Array(Math.max(out.length * 2, at + need));
      grown.set(out.subarray(0, at));
      out = grown;
      view = new DataView(out.buffer);
    }
    out[at++] = cursor.kind === 'put' ? 1 : 0;
    f64(cursor.seq);
    u32(cursor.keyLength);
    at += cursor.copyKey(out, at);
    u32(cursor.valueLength);
    at += cursor.copyValue(out, at);
    entries++;
  }
  view.setUint32(countAt, entries, true);
  u32(maskCrc(crc32c(out.subarray(0, at))));
  return at === out.length ? out : out.subarray(0, at);
}

/**
 * Reads a checkpoint into `table` (empty, writable), or with `table` null only checks it and
 * reads its header. Throws `MEMREP_CORRUPTION` when the bytes are not a whole checkpoint
 * (torn, flipped, another format), having changed only `table`.
 *
 * REQUIRES: `checked` only for bytes this function already accepted (it skips the checksum).
 */
export function decodeCheckpoint(
  bytes: Uint8Array,
  table: TableMut | null,
  checked = false,
): CheckpointFile {
  const corrupt = (why: string) => new MemrepError('MEMREP_CORRUPTION', `checkpoint: ${why}`);
  // A plain view even when given a Buffer (readFile's): Buffer#subarray builds a FastBuffer
  // per key and value, a sixth of a load's time in the profile.
  bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER + 12) throw corrupt(`${bytes.length} bytes is too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 4;
  if (!checked && unmaskCrc(view.getUint32(end, true)) !== crc32c(bytes.subarray(0, end))) {
    throw corrupt('checksum mismatch');
  }
  let at = 0;
  const u32 = () => {
    if (at + 4 > end) throw corrupt('truncated');
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const f64 = () => {
    if (at + 8 > end) throw corrupt('truncated');
    const v = view.getFloat64(at, true);
    at += 8;
    return v;
  };
  const slice = () => {
    const n = u32();
    if (at + n > end) throw corrupt('truncated');
    const b = bytes.subarray(at, at + n);
    at += n;
    return b;
  };
  if (u32() !== MAGIC) throw corrupt('bad magic');
  const version = u32();
  if (version !== VERSION) throw corrupt(`unknown version ${version}`);
  const number = u32();
  const from = f64();
  const to = f64();
  const replaces: number[] = [];
  for (let n = u32(); n > 0; n--) replaces.push(u32());
  const file = { number, from, to, replaces };
  if (table === null) return file;
  for (let n = u32(); n > 0; n--) {
    const start = slice();
    const stop = slice();
    table.deleteRange(start, stop, f64());
  }
  for (let n = u32(); n > 0; n--) {
    if (at >= end) throw corrupt('truncated');
    const put = bytes[at++] === 1;
    const seq = f64();
    const key = slice();
    const value = slice();
    if (put) table.put(key, value, seq);
    else table.delete(key, seq);
  }
  if (at !== end) throw corrupt('trailing bytes');
  return file;
}

/**
 * Writes `bytes` as checkpoint `n` in `dir` so that a crash leaves the whole file or none:
 * write a `.tmp`, fdatasync, rename, sync the directory.
 */
export async function writeCheckpoint(
  fs: WalFileSystem,
  dir: string,
  n: number,
  bytes: Uint8Array,
): Promise<void> {
  const tmp = join(dir, `${String(n).padStart(6, '0')}${TMP}`);
  const file = await fs.createExclusive(tmp);
  try {
    await file.write(bytes, 0, bytes.length, 0);
    await file.datasync();
  } finally {
    await file.close();
  }
  await fs.rename(tmp, join(dir, checkpointName(n)));
  await fs.syncDir(dir);
}

/** What `listCheckpoints` finds in a directory. */
export interface FoundCheckpoints {
  /** Checkpoint files by number, their bytes read (not yet verified). */
  files: Map<number, Uint8Array>;
  /** Leftover `.tmp` files of a checkpoint a crash interrupted. */
  temporary: string[];
}

export async function listCheckpoints(fs: WalFileSystem, dir: string): Promise<FoundCheckpoints> {
  const files = new Map<number, Uint8Array>();
  const temporary: string[] = [];
  for (const name of await fs.readdir(dir)) {
    if (name.endsWith(TMP)) temporary.push(join(dir, name));
    else if (name.endsWith(SUFFIX) && /^\d+\.ckpt$/.test(name)) {
      files.set(Number(name.slice(0, -SUFFIX.length)), await fs.readFile(join(dir, name)));
    }
  }
  return { files, temporary };
}
