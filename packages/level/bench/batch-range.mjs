/**
 * Issue 15's targets, measured as ratios inside one process (run from packages/level after a
 * build: `node bench/batch-range.mjs [path/to/other/checkout]`). The other checkout (default
 * /work/main) is only read: its built dist is imported beside this one's for the A/B rows.
 *
 * 1. write(batch of 100 puts) against 100 single puts, per backend (batch built each time);
 *    1b. with the batches built beforehand; 1c. the same through MemrepLevel's batch() and put().
 * 2. get in a table holding 1,000 range tombstones that cover no key, against one holding none;
 *    2c. the control: two tables holding none (the ratio placement and order alone give).
 * 3. get in a table holding none, this build against the other (the cost of the feature);
 *    3b. the same for a range() scan (the visibility layer reading each entry's arena).
 * 4. clear() of a range holding every key of a 1,000,000-key level database, against the other.
 *
 * Each row alternates its two sides for several rounds and reports the median ratio and the
 * spread (min..max of the per-round ratios).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const other = resolve(process.argv[2] ?? '/work/main');
const here = resolve(new URL('..', import.meta.url).pathname, '..', '..');
const load = (root, pkg) => import(pathToFileURL(`${root}/packages/${pkg}/dist/index.js`).href);

const core = await load(here, 'core');
const backends = {
  skiplist: await load(here, 'skiplist'),
  vector: await load(here, 'vector'),
  'hash-skiplist': await load(here, 'hash-skiplist'),
  'hash-linklist': await load(here, 'hash-linklist'),
  art: await load(here, 'art'),
};
const otherBackends = {
  skiplist: await load(other, 'skiplist'),
  vector: await load(other, 'vector'),
  'hash-skiplist': await load(other, 'hash-skiplist'),
  'hash-linklist': await load(other, 'hash-linklist'),
  art: await load(other, 'art'),
};

const encoder = new TextEncoder();
const key = (i) => encoder.encode(`key-${String(i).padStart(8, '0')}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (x) => x.toFixed(2);

/** Alternates sides `a` and `b` (each returns seconds, or a promise of them); median of b / a. */
async function row(name, rounds, a, b) {
  const ratios = [];
  let ta = 0;
  let tb = 0;
  for (let r = 0; r < rounds; r++) {
    const first = r % 2 === 0;
    const t1 = first ? await a() : await b();
    const t2 = first ? await b() : await a();
    const [x, y] = first ? [t1, t2] : [t2, t1];
    ta += x;
    tb += y;
    if (r > 0) ratios.push(y / x);
  }
  console.log(
    `${name.padEnd(58)} ${fmt(median(ratios))}x  (rounds ${rounds - 1}, ${fmt(Math.min(...ratios))}..${fmt(Math.max(...ratios))}; ${fmt((ta / rounds) * 1e3)} vs ${fmt((tb / rounds) * 1e3)} ms/round)`,
  );
}

function time(fn) {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}

// 1. batches
const N = 20_000;
const keys = Array.from({ length: N }, (_, i) => key((i * 7919) % N));
const value = new Uint8Array(32).fill(7);
console.log(
  '1. batch of 100 puts vs 100 single puts: ratio = single time / batch time (>= 1 is the target)',
);
for (const [name, mod] of Object.entries(backends)) {
  const batch = new core.WriteBatch();
  await row(
    `   ${name}`,
    9,
    () =>
      time(() => {
        const t = mod.createTable();
        for (let i = 0; i < N; i += 100) {
          batch.clear();
          for (let j = i; j < i + 100; j++) batch.put(keys[j], value);
          t.write(batch);
        }
      }),
    () =>
      time(() => {
        const t = mod.createTable();
        for (let i = 0; i < N; i++) t.put(keys[i], value);
      }),
  );
}

console.log('1b. the same with the batches built beforehand (write() alone)');
for (const [name, mod] of Object.entries(backends)) {
  const batches = [];
  for (let i = 0; i < N; i += 100) {
    const b = new core.WriteBatch();
    for (let j = i; j < i + 100; j++) b.put(keys[j], value);
    batches.push(b);
  }
  await row(
    `   ${name}`,
    9,
    () =>
      time(() => {
        const t = mod.createTable();
        for (const b of batches) t.write(b);
      }),
    () =>
      time(() => {
        const t = mod.createTable();
        for (let i = 0; i < N; i++) t.put(keys[i], value);
      }),
  );
}

// 1c. the same through the database: what an application calls
const level = await load(here, 'level');
async function dbTime(backend, fn) {
  const db = new level.MemrepLevel({ backend, keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  const t = performance.now();
  await fn(db);
  const s = (performance.now() - t) / 1000;
  await db.close();
  return s;
}
console.log('1c. db.batch() of 100 puts vs 100 db.put() (MemrepLevel, in memory, view encodings)');
for (const name of Object.keys(backends)) {
  await row(
    `   ${name}`,
    7,
    () =>
      dbTime(name, async (db) => {
        for (let i = 0; i < N; i += 100) {
          const ops = [];
          for (let j = i; j < i + 100; j++) ops.push({ type: 'put', key: keys[j], value });
          await db.batch(ops);
        }
      }),
    () =>
      dbTime(name, async (db) => {
        for (let i = 0; i < N; i++) await db.put(keys[i], value);
      }),
  );
}

// 2. and 3. get with and without range tombstones
const G = 100_000;
const lookups = Array.from({ length: 200_000 }, (_, i) => key((i * 104729) % G));
function filled(mod, tombstones) {
  const t = mod.createTable();
  for (let i = 0; i < G; i++) t.put(key(i), value);
  for (let j = 0; j < tombstones; j++) {
    const k = key(Math.floor((j * G) / tombstones));
    const start = new Uint8Array(k.length + 1);
    start.set(k);
    start[k.length] = 1;
    const end = start.slice();
    end[k.length] = 2;
    t.deleteRange(start, end);
  }
  return t;
}
const reads = (t) => () =>
  time(() => {
    let n = 0;
    for (const k of lookups) if (t.get(k) !== undefined) n++;
    if (n !== lookups.length) throw new Error(`found ${n} of ${lookups.length}`);
  });
console.log(
  '2. get, 1,000 range tombstones covering no key vs none: ratio = with / without (<= 1.3 is the target)',
);
for (const [name, mod] of Object.entries(backends)) {
  await row(`   ${name}`, 9, reads(filled(mod, 0)), reads(filled(mod, 1000)));
}
console.log(
  '2c. control: the same with two tables holding none (what placement alone does to row 2)',
);
for (const [name, mod] of Object.entries(backends)) {
  await row(`   ${name}`, 9, reads(filled(mod, 0)), reads(filled(mod, 0)));
}
console.log(
  '3. get with no range tombstone, this build vs the other: ratio = this / other (~1 is the target)',
);
for (const [name, mod] of Object.entries(backends)) {
  await row(`   ${name}`, 9, reads(filled(otherBackends[name], 0)), reads(filled(mod, 0)));
}

const scans = (t) => () =>
  time(() => {
    let n = 0;
    for (let r = 0; r < 4; r++) for (const _ of t.range()) n++;
    if (n !== 4 * G) throw new Error(`scanned ${n}`);
  });
console.log(
  '3b. range() scan with no range tombstone, this build vs the other: ratio = this / other',
);
for (const [name, mod] of Object.entries(backends)) {
  await row(`   ${name}`, 7, scans(filled(otherBackends[name], 0)), scans(filled(mod, 0)));
}

// 4. clear() of a 1M-key database
const otherLevel = await load(other, 'level');
async function clearTime(Level) {
  const db = new Level.MemrepLevel({
    backend: 'skiplist',
    keyEncoding: 'view',
    valueEncoding: 'view',
  });
  await db.open();
  const M = 1_000_000;
  for (let i = 0; i < M; i += 10_000) {
    const ops = [];
    for (let j = i; j < i + 10_000; j++) ops.push({ type: 'put', key: key(j), value });
    await db.batch(ops);
  }
  const t = performance.now();
  await db.clear({ gte: key(0), lte: key(M - 1) });
  const ms = performance.now() - t;
  const left = await db.keys({ limit: 1 }).all();
  if (left.length !== 0) throw new Error('clear left keys behind');
  await db.close();
  return ms;
}
console.log('4. clear() of a range holding every key of a 1,000,000-key database (skiplist)');
const mine = [];
const theirs = [];
for (let r = 0; r < 2; r++) {
  mine.push(await clearTime(level));
  theirs.push(await clearTime(otherLevel));
}
console.log(
  `   this build ${mine.map(fmt).join(', ')} ms; the other ${theirs.map(fmt).join(', ')} ms; ratio ${fmt(median(theirs) / median(mine))}x (>= 100 is the target)`,
);
