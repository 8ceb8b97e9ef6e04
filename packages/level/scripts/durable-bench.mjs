// Two durable figures the bench app does not report: open of a database of N entries against
// the time writing them took (batch-of-1 puts, sync: false), with the replay rate; and the log
// and checkpoint bytes on disk after every key is overwritten R times, against the data's size.
// Usage: node scripts/durable-bench.mjs [n=1000000] [overwriteKeys=100000] [rounds=10]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemrepLevel } from '../dist/index.js';

const n = Number(process.argv[2] ?? 1_000_000);
const overwriteKeys = Number(process.argv[3] ?? 100_000);
const rounds = Number(process.argv[4] ?? 10);
const VIEW = { keyEncoding: 'view', valueEncoding: 'view' };

function keyOf(i) {
  const key = new Uint8Array(16);
  let x = (i + 1) * 2654435761;
  for (let j = 0; j < 16; j++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    key[j] = x >>> 24;
  }
  key[0] = i & 255;
  key[1] = (i >>> 8) & 255;
  key[2] = (i >>> 16) & 255;
  return key;
}

function bytesOnDisk(dir) {
  let total = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    const s = statSync(join(dir, name));
    if (s.isFile()) total += s.size;
  }
  return total;
}

const root = mkdtempSync(join(tmpdir(), 'memrep-durable-bench-'));
try {
  const value = new Uint8Array(100).fill(7);
  const dir = join(root, 'open');
  let db = new MemrepLevel(dir, VIEW);
  await db.open();
  const w0 = performance.now();
  for (let i = 0; i < n; i++) await db.put(keyOf(i), value);
  const writeMs = performance.now() - w0;
  await db.close();
  const disk = bytesOnDisk(dir);
  const o0 = performance.now();
  db = new MemrepLevel(dir, VIEW);
  await db.open();
  const openMs = performance.now() - o0;
  const ok = (await db.get(keyOf(n - 1))) !== undefined && (await db.get(keyOf(0))) !== undefined;
  await db.close();
  console.log(
    JSON.stringify({
      n,
      writeMs: Math.round(writeMs),
      openMs: Math.round(openMs),
      openFasterBy: +(writeMs / openMs).toFixed(2),
      bytesOnDisk: disk,
      replayMBps: +(disk / 1e6 / (openMs / 1000)).toFixed(1),
      ok,
    }),
  );

  const odir = join(root, 'overwrite');
  db = new MemrepLevel(odir, VIEW);
  await db.open();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < overwriteKeys; i++) {
      const v = new Uint8Array(100).fill(r);
      await db.put(keyOf(i), v);
    }
  }
  await db.close();
  const data = overwriteKeys * (16 + 100);
  const after = bytesOnDisk(odir);
  console.log(
    JSON.stringify({
      overwriteKeys,
      rounds,
      dataBytes: data,
      bytesOnDisk: after,
      ratio: +(after / data).toFixed(2),
    }),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
