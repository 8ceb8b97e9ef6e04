// Every target of issue #18 as a ratio to classic-level, measured in ONE process, the two
// systems taking turns round by round (medians over the rounds, spread = (max - min) / median):
// - puts awaited one at a time, batch of 1 and of 100, sync: false (`n` puts);
// - sync: true puts one at a time, and from 64 concurrent writers (`n / 100` puts);
// - gets of present keys in random order after the batch-of-1 fill;
// - open of a database of `openN` entries (written batch-of-1, sync: false) against the time
//   writing it took, and the bytes in the location read per second;
// - every byte in the location after each of `overwriteKeys` keys is written 10 times, against
//   the data's size (keys and values of the live entries).
// Usage: node scripts/durable-bench.mjs [n=200000] [openN=1000000] [rounds=3] [overwriteKeys=100000] [only]
// `only`: comma-separated parts of workload names to run (`sync`, `get`, `open`, `overwrite`, ...);
// every workload without it.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { MemrepLevel } from '../dist/index.js';

const n = Number(process.argv[2] ?? 200_000);
const openN = Number(process.argv[3] ?? 1_000_000);
const rounds = Number(process.argv[4] ?? 3);
const overwriteKeys = Number(process.argv[5] ?? 100_000);
const only = process.argv[6]?.split(',');
const selected = (name) => only === undefined || only.some((part) => name.includes(part));
const WRITERS = 64;
const VIEW = { keyEncoding: 'view', valueEncoding: 'view' };
const SYSTEMS = {
  memrep: (dir) => new MemrepLevel(dir, VIEW),
  classic: (dir) => new ClassicLevel(dir, VIEW),
};

function keyOf(i) {
  const key = new Uint8Array(16);
  let x = ((i + 1) * 2654435761) | 0;
  for (let j = 0; j < 16; j++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    key[j] = x >>> 24;
  }
  key[0] = i & 255;
  key[1] = (i >>> 8) & 255;
  key[2] = (i >>> 16) & 255;
  key[3] = (i >>> 24) & 255;
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

const keys = Array.from({ length: Math.max(n, openN) }, (_, i) => keyOf(i));
const value = new Uint8Array(100).fill(7);
const root = mkdtempSync(join(tmpdir(), 'memrep-durable-bench-'));
let made = 0;
const fresh = () => join(root, `db-${made++}`);

async function opened(system, dir = fresh()) {
  const db = SYSTEMS[system](dir);
  await db.open();
  return db;
}

/** Puts of keys [0, count) awaited one at a time in batches of `batch`; ops/s. */
async function fill(db, count, batch, sync) {
  const t0 = performance.now();
  if (batch === 1) {
    for (let i = 0; i < count; i++) await db.put(keys[i], value, { sync });
  } else {
    const ops = Array.from({ length: batch }, () => ({ type: 'put', key: keys[0], value }));
    for (let i = 0; i < count; i += batch) {
      for (let j = 0; j < batch; j++) ops[j].key = keys[i + j];
      await db.batch(ops, { sync });
    }
  }
  return (count * 1000) / (performance.now() - t0);
}

const workloads = {
  async 'batch 1'(system) {
    const db = await opened(system);
    const rate = await fill(db, n, 1, false);
    await db.close();
    return rate;
  },
  async 'batch 100'(system) {
    const db = await opened(system);
    const rate = await fill(db, n, 100, false);
    await db.close();
    return rate;
  },
  async 'sync, one at a time'(system) {
    const db = await opened(system);
    const rate = await fill(db, Math.floor(n / 100), 1, true);
    await db.close();
    return rate;
  },
  async [`sync, ${WRITERS} writers`](system) {
    const db = await opened(system);
    const per = Math.max(1, Math.floor(n / 100 / WRITERS));
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < per; i++) await db.put(keys[w * per + i], value, { sync: true });
      }),
    );
    const rate = (WRITERS * per * 1000) / (performance.now() - t0);
    await db.close();
    return rate;
  },
  async get(system) {
    const db = await opened(system);
    await fill(db, n, 100, false);
    const order = Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const t0 = performance.now();
    let found = 0;
    for (let i = 0; i < n; i++) if ((await db.get(keys[order[i]])) !== undefined) found++;
    const rate = (n * 1000) / (performance.now() - t0);
    await db.close();
    if (found !== n) throw new Error(`${system}: ${n - found} keys missing`);
    return rate;
  },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
const fmt = (x) => Math.round(x);

try {
  for (const [name, run] of Object.entries(workloads)) {
    if (!selected(name)) continue;
    const rates = { memrep: [], classic: [] };
    for (let r = 0; r < rounds; r++) {
      for (const system of r % 2 === 0 ? ['memrep', 'classic'] : ['classic', 'memrep']) {
        rates[system].push(await run(system));
      }
    }
    const m = median(rates.memrep);
    const c = median(rates.classic);
    console.log(
      JSON.stringify({
        workload: name,
        memrepOpsPerSec: fmt(m),
        classicOpsPerSec: fmt(c),
        ratio: +(m / c).toFixed(2),
        spread: {
          memrep: +spread(rates.memrep).toFixed(2),
          classic: +spread(rates.classic).toFixed(2),
        },
      }),
    );
  }

  for (const system of selected('open') ? ['memrep', 'classic'] : []) {
    const dir = fresh();
    let db = await opened(system, dir);
    const writeMs = (openN * 1000) / (await fill(db, openN, 1, false));
    await db.close();
    const disk = bytesOnDisk(dir);
    const t0 = performance.now();
    db = await opened(system, dir);
    const openMs = performance.now() - t0;
    const ok =
      (await db.get(keys[openN - 1])) !== undefined && (await db.get(keys[0])) !== undefined;
    await db.close();
    console.log(
      JSON.stringify({
        workload: 'open',
        system,
        n: openN,
        writeMs: fmt(writeMs),
        openMs: fmt(openMs),
        openFasterBy: +(writeMs / openMs).toFixed(2),
        bytesOnDisk: disk,
        readMBps: +(disk / 1e6 / (openMs / 1000)).toFixed(1),
        ok,
      }),
    );
  }

  for (const system of selected('overwrite') ? ['memrep', 'classic'] : []) {
    const dir = fresh();
    const db = await opened(system, dir);
    for (let r = 0; r < 10; r++) {
      const v = new Uint8Array(100).fill(r);
      for (let i = 0; i < overwriteKeys; i++) await db.put(keys[i], v);
    }
    await db.close();
    const data = overwriteKeys * (16 + 100);
    const after = bytesOnDisk(dir);
    console.log(
      JSON.stringify({
        workload: 'overwrite x10',
        system,
        overwriteKeys,
        dataBytes: data,
        bytesOnDisk: after,
        ratio: +(after / data).toFixed(2),
      }),
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
