// What placing nodes while writes are shared costs prefix scans: one table filled by the one
// writer (bucket chunks in the heads, the chunk log and its sweep) against one filled through
// the shared path (`share({ writable: true })` and an attached writer: each thread's own
// chunks per group of buckets, no sweep), the same keys, scanned in one process, alternating,
// in CPU time (the machine is shared). Keys: 16 bytes, the first 8 one of 10k random prefixes;
// values 100 bytes. A round scans every prefix three times; ns per entry yielded.
//
// Usage (build packages/hash-skiplist first):
//   node packages/hash-skiplist/bench/shared-locality.mjs [n=1000000] [rounds=6]
import { loadavg } from 'node:os';
import { cpuNow } from '../../core/bench/bench-data.mjs';
import { createTable, HashSkipListTable } from '../dist/index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 6);
const PREFIXES = 10_000;
let x = 0x9e3779b9;
const rnd = () => {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
};
const randomBytes = (out, from) => {
  for (let j = from; j < out.length; j++) out[j] = rnd() & 0xff;
  return out;
};
const prefixes = Array.from({ length: PREFIXES }, () => randomBytes(new Uint8Array(8), 0));
const keys = Array.from({ length: N }, () => {
  const key = new Uint8Array(16);
  key.set(prefixes[rnd() % PREFIXES]);
  return randomBytes(key, 8);
});
const value = new Uint8Array(100).fill(1);

function build(shared) {
  const table = createTable({ maxSize: 400_000_000, prefixExtractor: 8 });
  const writer = shared ? HashSkipListTable.attach(table.share({ writable: true })) : table;
  for (const key of keys) writer.put(key, value);
  return table;
}

function scan(table) {
  let n = 0;
  const t0 = cpuNow();
  for (let r = 0; r < 3; r++) for (const p of prefixes) for (const _ of table.prefix(p)) n++;
  return ((cpuNow() - t0) * 1e6) / n;
}

const tables = { single: build(false), shared: build(true) };
const ns = { single: [], shared: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const side of r % 2 ? ['single', 'shared'] : ['shared', 'single'])
    ns[side].push(scan(tables[side]));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const load = loadavg()
  .map((v) => v.toFixed(1))
  .join(' ');
console.log(`N=${N}, ${PREFIXES} prefixes, ${ROUNDS} rounds, loadavg ${load}`);
for (const side of ['single', 'shared']) {
  const rounds = ns[side].map((v) => v.toFixed(0)).join(' ');
  const bytes = tables[side].memoryUsage;
  console.log(`${side}: ${median(ns[side]).toFixed(0)} ns/entry (rounds ${rounds}), ${bytes} B`);
}
console.log(`shared/single ${(median(ns.shared) / median(ns.single)).toFixed(2)}`);
