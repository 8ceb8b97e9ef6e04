// A/B of the read path per entry: a table built from a base tree's packages against one built
// from this worktree's, in one process, alternating, same keys and values; with sorted-btree's
// `forEachPair` over the same data as the yardstick (issue 14: `range()` within 3x of it at
// N = 10,000, warm). One backend per process, as in the bench app, so that the visibility
// layer's property loads see one raw-cursor class (run it once per backend).
//
// Reads, each the median of `passes` warm passes a round, ns per entry yielded:
//   range, keys, values  full passes; every yielded view touched
//   prefix               prefix() over 1-byte prefixes (about N/256 entries each), all of them
//   cursor               first() .. next() reading key and value views
//   copyout              first() .. next() reading keyLength and copyKey/copyValue
//   btree                sorted-btree forEachPair (one callback per pair)
//
// Usage (build this worktree's packages first; `base` holds built packages/<backend>/dist):
//   node packages/core/bench/reads-ab.mjs <backend> [base=/work/main] [n=10000] [rounds=9]
import { createRequire } from 'node:module';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuNow, data } from './bench-data.mjs';

const BACKEND = process.argv[2] ?? 'skiplist';
const BASE = process.argv[3] ?? '/work/main';
const N = Number(process.argv[4] ?? 10_000);
const ROUNDS = Number(process.argv[5] ?? 9);
const here = resolve(import.meta.dirname, '../../..');
const load = (root) =>
  import(pathToFileURL(resolve(root, `packages/${BACKEND}/dist/index.js`)).href);
const systems = { base: await load(BASE), head: await load(here) };
const { compareBytes } = await import(
  pathToFileURL(resolve(here, 'packages/core/dist/index.js')).href
);
const require = createRequire(resolve(here, 'apps/bench/package.json'));
const BTree = require('sorted-btree').default;

const prefixes = Array.from({ length: 256 }, (_, i) => new Uint8Array([i]));
const target = new Uint8Array(256);
let sink = 0;
const reads = {
  range(t) {
    let n = 0;
    for (const [k, v] of t.range()) {
      sink += k[0] + v.length;
      n++;
    }
    return n;
  },
  keys(t) {
    let n = 0;
    for (const k of t.keys()) {
      sink += k[0];
      n++;
    }
    return n;
  },
  values(t) {
    let n = 0;
    for (const v of t.values()) {
      sink += v.length;
      n++;
    }
    return n;
  },
  prefix(t) {
    let n = 0;
    for (const p of prefixes) {
      for (const [k, v] of t.prefix(p)) {
        sink += k[1] + v.length;
        n++;
      }
    }
    return n;
  },
  cursor(t) {
    let n = 0;
    const c = t.cursor();
    for (c.first(); c.valid; c.next()) {
      sink += c.key[0] + c.value.length;
      n++;
    }
    return n;
  },
  copyout(t) {
    let n = 0;
    const c = t.cursor();
    for (c.first(); c.valid; c.next()) {
      sink += c.keyLength + c.copyKey(target) + c.copyValue(target);
      n++;
    }
    return n;
  },
};

function timed(fn, arg) {
  const t0 = cpuNow();
  const n = fn(arg);
  const ns = ((cpuNow() - t0) * 1e6) / n;
  if (n !== N) throw new Error(`a read yielded ${n} entries, not ${N}`);
  return ns;
}

const d = data(N, 42, 100);
const tables = {};
for (const [name, mod] of Object.entries(systems)) {
  const t = mod.createTable();
  for (let i = 0; i < N; i++) t.put(d.keys[i], d.values[i]);
  tables[name] = t;
}
const tree = new BTree(undefined, compareBytes);
for (let i = 0; i < N; i++) tree.set(d.keys[i].slice(), d.values[i].slice());
let visited = 0;
const visit = (k, v) => {
  sink += k[0] + v.length;
  visited++;
};
const btree = () => {
  visited = 0;
  tree.forEachPair(visit);
  return visited;
};

const passes = Math.max(3, Math.round(300_000 / N));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const res = {};
for (const read of Object.keys(reads)) res[read] = { base: [], head: [] };
res.btree = { base: [], head: [] };
for (let w = 0; w < 30; w++) {
  for (const t of Object.values(tables)) for (const fn of Object.values(reads)) fn(t);
  btree();
}
for (let r = 0; r < ROUNDS; r++) {
  const names = r % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
  for (const read of Object.keys(reads)) {
    for (const name of names) {
      const xs = [];
      for (let p = 0; p < passes; p++) xs.push(timed(reads[read], tables[name]));
      res[read][name].push(median(xs));
    }
  }
  const xs = [];
  for (let p = 0; p < passes; p++) xs.push(timed(btree));
  res.btree.base.push(median(xs));
}
const spread = (xs) => ((Math.max(...xs) - Math.min(...xs)) / median(xs)) * 100;
const bt = median(res.btree.base);
console.log(
  `${BACKEND}, N=${N}, node ${process.version}, ${ROUNDS} rounds x ${passes} passes, ` +
    `loadavg ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; sorted-btree forEachPair ${bt.toFixed(1)} ns/entry`,
);
console.log('| read | base ns | head ns | head/base | head/forEachPair | spread base/head |');
console.log('| --- | --: | --: | --: | --: | --: |');
for (const read of Object.keys(reads)) {
  const a = median(res[read].base);
  const b = median(res[read].head);
  console.log(
    `| ${read} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(2)} | ${(b / bt).toFixed(1)}x | ` +
      `${spread(res[read].base).toFixed(0)}%/${spread(res[read].head).toFixed(0)}% |`,
  );
}
if (sink === 0) console.log('');
