// A/B of one writer's fill and point reads: a backend (default the skip list) built from a base
// tree's packages against this worktree's, in one process, alternating rounds, same keys and
// values (issue 19: one writer with concurrent writes unused stays within noise of the build
// before them).
//
// Each round fills a fresh table with N random 16-byte keys and 100-byte values (fillrandom),
// then reads every key once in another random order (readrandom); a round reports puts/s and
// gets/s per side, in CPU time of the process (the machine is shared). The summary gives the median head/base ratio over the rounds and its spread.
//
// Usage (build both trees' packages/<package> first; options: createTable's, as JSON):
//   node packages/skiplist/bench/writes-ab.mjs <base=/work/main> [n=1000000] [rounds=7]
//     [package=skiplist] [options={}]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuNow, data } from '../../core/bench/bench-data.mjs';

const BASE = resolve(process.argv[2] ?? '/work/main');
const N = Number(process.argv[3] ?? 1_000_000);
const ROUNDS = Number(process.argv[4] ?? 7);
const PACKAGE = process.argv[5] ?? 'skiplist';
const OPTIONS = JSON.parse(process.argv[6] ?? '{}');
const here = resolve(import.meta.dirname, '../../..');
const load = (root) =>
  import(pathToFileURL(resolve(root, `packages/${PACKAGE}/dist/index.js`)).href);
const systems = { base: await load(BASE), head: await load(here) };

const d = data(N, 42, 100);
const order = d.order;
let sink = 0;

function round(mod) {
  const t = mod.createTable(OPTIONS);
  const t0 = cpuNow();
  for (let i = 0; i < N; i++) t.put(d.keys[i], d.values[i]);
  const t1 = cpuNow();
  for (let i = 0; i < N; i++) sink += t.get(d.keys[order[i]]).length;
  const t2 = cpuNow();
  if (t.count !== N) throw new Error(`a fill held ${t.count} entries, not ${N}`);
  return { puts: N / ((t1 - t0) / 1e3), gets: N / ((t2 - t1) / 1e3) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const res = { base: [], head: [] };
round(systems.base);
round(systems.head);
for (let r = 0; r < ROUNDS; r++) {
  const names = r % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
  for (const name of names) res[name].push(round(systems[name]));
}
const os = await import('node:os');
console.log(
  `${PACKAGE} ${JSON.stringify(OPTIONS)} one writer, N=${N}, ${ROUNDS} rounds, node ${process.version}, loadavg ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; base ${BASE}`,
);
console.log(
  '| op | base /s (median) | head /s (median) | head/base median | per-round ratio range |',
);
console.log('| --- | --: | --: | --: | --: |');
for (const op of ['puts', 'gets']) {
  const ratios = res.head.map((h, i) => h[op] / res.base[i][op]);
  const b = median(res.base.map((x) => x[op]));
  const h = median(res.head.map((x) => x[op]));
  console.log(
    `| ${op} | ${Math.round(b)} | ${Math.round(h)} | ${median(ratios).toFixed(2)} | ${Math.min(...ratios).toFixed(2)}..${Math.max(...ratios).toFixed(2)} |`,
  );
}
if (sink === 0) console.log('');
