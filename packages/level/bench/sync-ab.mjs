// `sync: true` puts awaited one at a time, in ONE process: this build with the real file layer
// (a synced group is written with write(2) on the calling thread, then fdatasync'd on the
// thread pool: one round trip) against this build over files without `writeSync` (the write
// on the pool too: two round trips) and against classic-level. Chunks of C puts, R rounds, the
// order rotating; prints ms per put (medians) and per-round ratios (median and quartiles).
//   node bench/sync-ab.mjs [C=50] [R=40]   (after `pnpm build`)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFileSystem } from '@memrep/wal';
import { ClassicLevel } from 'classic-level';
import { MemrepLevel } from '../dist/index.js';
import { sequentialKeys } from './turns.mjs';

const C = Number(process.argv[2] ?? 50);
const R = Number(process.argv[3] ?? 40);
const VIEW = { keyEncoding: 'view', valueEncoding: 'view' };
const twoTrips = {
  ...nodeFileSystem,
  async createExclusive(path) {
    const file = await nodeFileSystem.createExclusive(path);
    return {
      write: (...args) => file.write(...args),
      datasync: () => file.datasync(),
      close: () => file.close(),
    };
  },
};
const root = mkdtempSync(join(tmpdir(), 'memrep-sync-ab-'));
const dbs = {
  oneTrip: new MemrepLevel(join(root, 'a'), VIEW),
  twoTrips: new MemrepLevel(join(root, 'b'), { ...VIEW, fs: twoTrips }),
  classic: new ClassicLevel(join(root, 'c'), VIEW),
};
const value = new Uint8Array(100).fill(7);
const key = sequentialKeys();
const names = Object.keys(dbs);
const ms = Object.fromEntries(names.map((n) => [n, []]));
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const at = (xs, q) => +sorted(xs)[Math.floor((xs.length - 1) * q)].toFixed(2);
try {
  for (const db of Object.values(dbs)) await db.open();
  for (let r = 0; r < R; r++) {
    for (const name of names.slice(r % 3).concat(names.slice(0, r % 3))) {
      const t0 = performance.now();
      for (let i = 0; i < C; i++) await dbs[name].put(key(), value, { sync: true });
      ms[name].push((performance.now() - t0) / C);
    }
  }
  const ratio = (a, b) => ms[a].map((x, i) => ms[b][i] / x);
  const quartiles = (xs) => ({ median: at(xs, 0.5), p25: at(xs, 0.25), p75: at(xs, 0.75) });
  console.log(
    JSON.stringify({
      C,
      R,
      msPerPut: Object.fromEntries(names.map((n) => [n, +at(ms[n], 0.5).toFixed(3)])),
      oneTripVsClassic: quartiles(ratio('oneTrip', 'classic')),
      twoTripsVsClassic: quartiles(ratio('twoTrips', 'classic')),
      oneTripVsTwoTrips: quartiles(ratio('oneTrip', 'twoTrips')),
    }),
  );
} finally {
  for (const db of Object.values(dbs)) await db.close();
  rmSync(root, { recursive: true, force: true });
}
