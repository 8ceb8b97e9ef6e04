// A/B of the arena region on real reads: a skip list built from main's packages against one
// built from this worktree's, in one process, alternating, same keys and values.
// `range()` over every entry at 10k and 1M entries (ns per entry, views of key and value
// touched), `get` of every key in random order at 1M (ns per get).
// Usage (build this worktree's core and skiplist first):
//   node packages/core/bench/region-ab.mjs [main=/work/main] [rounds=7] [sizes=10000,1000000]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuNow, data as makeData } from './bench-data.mjs';

const MAIN = process.argv[2] ?? '/work/main';
const ROUNDS = Number(process.argv[3] ?? 7);
const SIZES = (process.argv[4] ?? '10000,1000000').split(',').map(Number);
const here = resolve(import.meta.dirname, '../../..');
const load = async (root) =>
  import(pathToFileURL(resolve(root, 'packages/skiplist/dist/index.js')).href);
const systems = { main: await load(MAIN), region: await load(here) };

function fill(mod, d) {
  const table = mod.createTable();
  for (let i = 0; i < d.keys.length; i++) table.put(d.keys[i], d.values[i]);
  return table;
}

function scan(table) {
  let sum = 0;
  let count = 0;
  const t0 = cpuNow();
  for (const [k, v] of table.range()) {
    sum += k[0] + v.length;
    count++;
  }
  const ns = ((cpuNow() - t0) * 1e6) / count;
  if (sum <= 0) throw new Error('bad scan');
  return ns;
}

function gets(table, d) {
  let sum = 0;
  const t0 = cpuNow();
  for (const i of d.order) sum += table.get(d.keys[i]).length;
  const ns = ((cpuNow() - t0) * 1e6) / d.order.length;
  if (sum !== d.order.length * 64) throw new Error('bad get');
  return ns;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (xs) =>
  `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})`;
const os = await import('node:os');
console.log(
  `node ${process.version}, ${ROUNDS} rounds alternating main/region; loadavg ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
const rows = [];
for (const n of SIZES) {
  // Cache-resident sizes: warm passes, and the median of 30 passes a round.
  const passes = n <= 100_000 ? 30 : 1;
  const d = makeData(n, 42, 64);
  const tables = {};
  for (const [name, mod] of Object.entries(systems)) tables[name] = fill(mod, d);
  const kind = tables.region.arena?.regionKind ?? '?';
  const res = { main: { scan: [], get: [] }, region: { scan: [], get: [] } };
  // Warm up both: the cache-resident case is what `passes` warm passes make it.
  for (const t of Object.values(tables)) for (let p = 0; p < passes; p++) scan(t);
  for (let r = 0; r < ROUNDS; r++) {
    const names = r % 2 === 0 ? ['main', 'region'] : ['region', 'main'];
    for (const name of names) {
      // At 10k one pass is a few ms: the round's figure is the median of its passes.
      const xs = [];
      for (let p = 0; p < passes; p++) xs.push(scan(tables[name]));
      res[name].scan.push(median(xs));
      if (n === 1_000_000) res[name].get.push(gets(tables[name], d));
    }
  }
  rows.push([`range() ns/entry, N=${n}`, res.main.scan, res.region.scan, kind]);
  if (n === 1_000_000) rows.push([`get ns/get, N=${n}`, res.main.get, res.region.get, kind]);
}
console.log('| read | main (growable SAB) | region | region/main | region kind |');
console.log('| --- | --: | --: | --: | --- |');
for (const [what, a, b, kind] of rows) {
  console.log(
    `| ${what} | ${fmt(a)} | ${fmt(b)} | ${(median(b) / median(a)).toFixed(2)} | ${kind} |`,
  );
}
