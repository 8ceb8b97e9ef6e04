// The bench's flush per entry in one process: a frozen table of a base tree's packages against
// one of this worktree's (each walked by a cursor into the bench's BlockEncoder through the
// copy-out methods, as apps/bench's memrep adapter does), and sorted-btree's forEachPair
// into the same encoder (its adapter). Alternating rounds, CPU time, medians.
// Usage (build this worktree's packages and apps/bench first; `base` holds built packages):
//   node packages/core/bench/flush-ab.mjs <backend> [base=/work/main] [n=100000] [rounds=5]
import { createRequire } from 'node:module';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuNow, data } from './bench-data.mjs';

const BACKEND = process.argv[2] ?? 'skiplist';
const BASE = process.argv[3] ?? '/work/main';
const N = Number(process.argv[4] ?? 100_000);
const ROUNDS = Number(process.argv[5] ?? 5);
const here = resolve(import.meta.dirname, '../../..');
const url = (root, path) => pathToFileURL(resolve(root, path)).href;
const { BlockEncoder, ViewSource } = await import(url(here, 'apps/bench/dist/block-encoder.js'));
const { compareBytes } = await import(url(here, 'packages/core/dist/index.js'));
const BTree = createRequire(resolve(here, 'apps/bench/package.json'))('sorted-btree').default;

const d = data(N, 42, 100);
const options = BACKEND.startsWith('hash') ? { prefixExtractor: 4 } : {};
const tables = {};
for (const [name, root] of [
  ['base', BASE],
  ['head', here],
]) {
  const t = (await import(url(root, `packages/${BACKEND}/dist/index.js`))).createTable(options);
  for (let i = 0; i < N; i++) t.put(d.keys[d.order[i]], d.values[d.order[i]]);
  t.freeze();
  tables[name] = t;
}
const tree = new BTree(undefined, compareBytes);
for (let i = 0; i < N; i++) tree.set(d.keys[d.order[i]].slice(), d.values[d.order[i]].slice());
const encoder = new BlockEncoder();
const source = new ViewSource();
const encode = (k, v) => encoder.add(source.set(k, v), 0, 1);
const flushes = {
  base: () => flushTable(tables.base),
  head: () => flushTable(tables.head),
  btree: () => tree.forEachPair(encode),
};
function flushTable(t) {
  const c = t.cursor();
  for (c.first(); c.valid; c.next()) encoder.add(c, c.seq, c.kind === 'put' ? 1 : 0);
}
function run(name) {
  encoder.reset();
  const t0 = cpuNow();
  flushes[name]();
  encoder.finish();
  const ns = ((cpuNow() - t0) * 1e6) / N;
  if (encoder.entries !== N) throw new Error(`${name} encoded ${encoder.entries} entries`);
  return ns;
}
const names = Object.keys(flushes);
for (let w = 0; w < 2; w++) for (const name of names) run(name);
const res = Object.fromEntries(names.map((name) => [name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const name of r % 2 === 0 ? names : [...names].reverse()) res[name].push(run(name));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const spread = (xs) => ((Math.max(...xs) - Math.min(...xs)) / median(xs)) * 100;
const bt = median(res.btree);
console.log(
  `${BACKEND} flush, N=${N}, node ${process.version}, ${ROUNDS} rounds, loadavg ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log('| system | ns/entry | entries/s vs sorted-btree | spread |');
console.log('| --- | --: | --: | --: |');
for (const name of names) {
  const ns = median(res[name]);
  console.log(
    `| ${name} | ${ns.toFixed(1)} | ${(bt / ns).toFixed(2)}x | ${spread(res[name]).toFixed(0)}% |`,
  );
}
