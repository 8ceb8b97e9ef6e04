// `sync: true` appends awaited one at a time, in ONE process: the log preallocated (the
// default 1 MiB, and 4 MiB) against the log growing with every write (`preallocateBytes: 0`),
// through @memrep/wal alone, and MemrepLevel (default) against classic-level. Chunks of C
// appends, R rounds, the order rotating; prints us per append (medians) and per-round ratios
// (median and quartiles) against the growing log and against classic-level. With C=1 the
// contenders take turns put by put (paired samples under the same disk load: for a shared,
// noisy disk).
//   node bench/prealloc-ab.mjs [C=200] [R=24] [none]   (after `pnpm build`)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteBatch } from '@memrep/core';
import { WriteAheadLog } from '@memrep/wal';
import { ClassicLevel } from 'classic-level';
import { MemrepLevel } from '../dist/index.js';
import { at, sequentialKeys, speedup, takeTurns } from './turns.mjs';

const C = Number(process.argv[2] ?? 200);
const R = Number(process.argv[3] ?? 24);
// 'none': unsynced appends and `sync: false` puts instead (the cost of preallocation there).
const SYNC = process.argv[4] === 'none' ? 'none' : 'group';
const VIEW = { keyEncoding: 'view', valueEncoding: 'view' };
const root = mkdtempSync(join(tmpdir(), 'memrep-prealloc-ab-'));
const value = new Uint8Array(100).fill(7);
const key = sequentialKeys();
const wals = {
  prealloc1M: await WriteAheadLog.open(join(root, 'w1'), { sync: SYNC }),
  prealloc4M: await WriteAheadLog.open(join(root, 'w4'), {
    sync: SYNC,
    preallocateBytes: 4 << 20,
  }),
  growing: await WriteAheadLog.open(join(root, 'w0'), { sync: SYNC, preallocateBytes: 0 }),
};
const levels = {
  memrep: new MemrepLevel(join(root, 'm'), VIEW),
  classic: new ClassicLevel(join(root, 'c'), VIEW),
};
const batch = new WriteBatch();
const run = {};
for (const [name, wal] of Object.entries(wals)) {
  run[name] = async () => {
    batch.clear();
    batch.put(key(), value);
    batch.sequence = 1;
    await wal.append(batch);
  };
}
for (const [name, db] of Object.entries(levels)) {
  run[name] = () => db.put(key(), value, { sync: SYNC !== 'none' });
}
try {
  for (const db of Object.values(levels)) await db.open();
  const us = await takeTurns(run, C, R);
  console.log(
    JSON.stringify({
      C,
      R,
      sync: SYNC,
      usPerAppend: Object.fromEntries(Object.keys(us).map((n) => [n, +at(us[n], 0.5).toFixed(1)])),
      prealloc1MVsGrowing: speedup(us, 'prealloc1M', 'growing'),
      prealloc4MVsGrowing: speedup(us, 'prealloc4M', 'growing'),
      prealloc1MVsClassic: speedup(us, 'prealloc1M', 'classic'),
      memrepVsClassic: speedup(us, 'memrep', 'classic'),
    }),
  );
} finally {
  for (const w of Object.values(wals)) await w.close();
  for (const db of Object.values(levels)) await db.close();
  rmSync(root, { recursive: true, force: true });
}
