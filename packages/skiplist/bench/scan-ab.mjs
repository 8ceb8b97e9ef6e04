// A/B of a full ordered walk at a size that misses cache (issue 14: skiplist scancursor >= 1.5x
// sorted-btree's scan at N = 1M): tables built from two or more builds of a backend, in one
// process, alternating rounds, same keys and values, with sorted-btree's `forEachPair` over
// the same data as the yardstick (the bench app's scan of it).
//
// Each round times, per side, `passes` passes of each walk and keeps their median, in CPU time
// of the process (the machine is shared):
//   scancursor  first() .. next() summing keyLength + valueLength (the bench's scancursor)
//   range       range() summing the views' lengths (the bench's scan)
// and reports ns per entry; the summary gives each side's median over the rounds, its spread
// ((max - min) / median), the median per-round ratio to the first side and to forEachPair.
// The fill's arena bytes per entry (`arena.allocated`, open zone chunks included) are printed per side.
//
// Each side must load its own @memrep/core (a dist under its own tree), else the core cursor
// sees two raw-cursor classes and is slower for both.
//
// Usage (build each side's packages/<package> first; a side is name=directory of its dist):
//   node packages/skiplist/bench/scan-ab.mjs [n=1000000] [rounds=7] [package=skiplist]
//     [name=dist-dir ...]   (default: base=/work/main's dist, head=this worktree's)
import { createRequire } from 'node:module';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuNow, data } from '../../core/bench/bench-data.mjs';

const N = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 7);
const PACKAGE = process.argv[4] ?? 'skiplist';
const here = resolve(import.meta.dirname, '../../..');
const sideArgs = process.argv.slice(5);
const sides = sideArgs.length
  ? sideArgs.map((a) => a.split('='))
  : [
      ['base', `/work/main/packages/${PACKAGE}/dist`],
      ['head', resolve(here, `packages/${PACKAGE}/dist`)],
    ];
const modules = {};
for (const [name, dir] of sides) {
  modules[name] = await import(pathToFileURL(resolve(dir, 'index.js')).href);
}
const { compareBytes } = await import(
  pathToFileURL(resolve(here, 'packages/core/dist/index.js')).href
);
const require = createRequire(resolve(here, 'apps/bench/package.json'));
const BTree = require('sorted-btree').default;

let sink = 0;
// Each side gets its own copy of each walk (compiled from the same source), so that no call
// site in a walk sees two sides' cursor classes: one table type a process, as in the bench app.
const WALKS = {
  scancursor: (t) => {
    const c = t.cursor();
    let sum = 0;
    for (c.first(); c.valid; c.next()) sum += c.keyLength + c.valueLength;
    return sum;
  },
  range: (t) => {
    let sum = 0;
    for (const [k, v] of t.range()) sum += k.length + v.length;
    return sum;
  },
};
const walksOf = Object.fromEntries(
  sides.map(([name]) => [
    name,
    Object.fromEntries(
      Object.entries(WALKS).map(([w, fn]) => [w, new Function(`return ${fn.toString()}`)()]),
    ),
  ]),
);
const EXPECT = N * (16 + 100);

const d = data(N, 42, 100);
const tables = {};
for (const [name] of sides) {
  const t = modules[name].createTable();
  for (let i = 0; i < N; i++) t.put(d.keys[i], d.values[i]);
  tables[name] = t;
}
const tree = new BTree(undefined, compareBytes);
for (let i = 0; i < N; i++) tree.set(d.keys[i].slice(), d.values[i].slice());
d.keys.length = 0;
d.values.length = 0;
let bsum = 0;
const visit = (k, v) => {
  bsum += k.length + v.length;
};
const btree = () => {
  bsum = 0;
  tree.forEachPair(visit);
  return bsum;
};

function timed(fn, arg) {
  const t0 = cpuNow();
  const s = fn(arg);
  const ns = ((cpuNow() - t0) * 1e6) / N;
  if (s !== EXPECT) throw new Error(`a walk summed ${s} bytes, not ${EXPECT}`);
  sink += s;
  return ns;
}

const passes = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const res = {};
for (const w of Object.keys(WALKS)) res[w] = Object.fromEntries(sides.map(([n]) => [n, []]));
const bt = [];
for (const [name] of sides) for (const fn of Object.values(walksOf[name])) fn(tables[name]);
btree();
for (let r = 0; r < ROUNDS; r++) {
  const names = sides.map(([n]) => n);
  if (r % 2 === 1) names.reverse();
  for (const w of Object.keys(WALKS)) {
    for (const name of names) {
      const xs = [];
      for (let p = 0; p < passes; p++) xs.push(timed(walksOf[name][w], tables[name]));
      res[w][name].push(median(xs));
    }
  }
  const xs = [];
  for (let p = 0; p < passes; p++) xs.push(timed(btree));
  bt.push(median(xs));
}
const spread = (xs) => ((Math.max(...xs) - Math.min(...xs)) / median(xs)) * 100;
const b = median(bt);
console.log(
  `${PACKAGE}, N=${N}, node ${process.version}, ${ROUNDS} rounds x ${passes} passes, loadavg ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(
      ' ',
    )}; sorted-btree forEachPair ${b.toFixed(1)} ns/entry (spread ${spread(bt).toFixed(0)}%)`,
);
for (const [name, dir] of sides) {
  const t = tables[name];
  console.log(
    `  ${name}: ${dir}, ${(t.arena.allocated / N).toFixed(2)} arena bytes allocated / entry`,
  );
}
const first = sides[0][0];
console.log(
  '| walk | side | ns/entry (median) | spread | vs first (per-round median) | forEachPair / side |',
);
console.log('| --- | --- | --: | --: | --: | --: |');
for (const w of Object.keys(WALKS)) {
  for (const [name] of sides) {
    const xs = res[w][name];
    const ratio = median(xs.map((x, i) => x / res[w][first][i]));
    console.log(
      `| ${w} | ${name} | ${median(xs).toFixed(1)} | ${spread(xs).toFixed(0)}% | ${ratio.toFixed(3)} | ${(b / median(xs)).toFixed(2)}x |`,
    );
  }
}
if (sink === 0) console.log('');
