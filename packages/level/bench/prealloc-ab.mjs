// `sync: true` appends awaited one at a time, in ONE process: the log preallocated (the
// default 1 MiB, and 4 MiB) against the log growing with every write (`preallocateBytes: 0`),
// through @memrep/wal alone, and MemrepLevel (default) against classic-level. Chunks of C
// appends, R rounds, the order rotating; prints us per append (medians) and per-round ratios
// (median and quartiles) against the growing log and against classic-level. With C=1 the
// contenders take turns put by put (paired samples under the same disk load: for a shared,
// noisy disk).
//   node bench/prealloc-ab.mjs [C=200] [R=24]   (after `pnpm build`)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteBatch } from '@memrep/core';
import { WriteAheadLog } from '@memrep/wal';
import { ClassicLevel } from 'classic-level';
import { MemrepLevel } from '../dist/index.js';

const C = Number(process.argv[2] ?? 200);
const R = Number(process.argv[3] ?? 24);
const VIEW = { keyEncoding: 'view', valueEncoding: 'view' };
const root = mkdtempSync(join(tmpdir(), 'memrep-prealloc-ab-'));
const value = new Uint8Array(100).fill(7);
let next = 0;
const key = () => {
  const k = new Uint8Array(16);
  new DataView(k.buffer).setUint32(0, next++);
  return k;
};
const wals = {
  prealloc1M: await WriteAheadLog.open(join(root, 'w1'), { sync: 'group' }),
  prealloc4M: await WriteAheadLog.open(join(root, 'w4'), {
    sync: 'group',
    preallocateBytes: 4 << 20,
  }),
  growing: await WriteAheadLog.open(join(root, 'w0'), { sync: 'group', preallocateBytes: 0 }),
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
    batch.sequence = next;
    await wal.append(batch);
  };
}
for (const [name, db] of Object.entries(levels)) {
  run[name] = () => db.put(key(), value, { sync: true });
}
const names = Object.keys(run);
const us = Object.fromEntries(names.map((n) => [n, []]));
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const at = (xs, q) => +sorted(xs)[Math.floor((xs.length - 1) * q)].toFixed(3);
try {
  for (const db of Object.values(levels)) await db.open();
  for (let r = 0; r < R; r++) {
    const k = r % names.length;
    for (const name of names.slice(k).concat(names.slice(0, k))) {
      const f = run[name];
      const t0 = performance.now();
      for (let i = 0; i < C; i++) await f();
      us[name].push(((performance.now() - t0) * 1000) / C);
    }
  }
  const ratio = (a, b) => us[a].map((x, i) => us[b][i] / x);
  const quartiles = (xs) => ({ median: at(xs, 0.5), p25: at(xs, 0.25), p75: at(xs, 0.75) });
  console.log(
    JSON.stringify({
      C,
      R,
      usPerAppend: Object.fromEntries(names.map((n) => [n, +at(us[n], 0.5).toFixed(1)])),
      prealloc1MVsGrowing: quartiles(ratio('prealloc1M', 'growing')),
      prealloc4MVsGrowing: quartiles(ratio('prealloc4M', 'growing')),
      prealloc1MVsClassic: quartiles(ratio('prealloc1M', 'classic')),
      memrepVsClassic: quartiles(ratio('memrep', 'classic')),
    }),
  );
} finally {
  for (const w of Object.values(wals)) await w.close();
  for (const db of Object.values(levels)) await db.close();
  rmSync(root, { recursive: true, force: true });
}
