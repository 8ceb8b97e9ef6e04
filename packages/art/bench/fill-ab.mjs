// fillrandom A/B in ONE process: fresh tables of each system filled by the bench's loop, rounds
// interleaved (order alternating), CPU time per fill after a full GC; median ops/s and the
// median per-round ratio of the first system to each.
// Usage: node --expose-gc packages/art/bench/fill-ab.mjs [n=1000000] [rounds=5] [systems=art,base]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const N = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const SYSTEMS = (process.argv[4] ?? 'art,base').split(',');
const here = resolve(import.meta.dirname, '../../..');
const at = (path) => import(pathToFileURL(resolve(here, path)).href);
const { Dataset } = await at('apps/bench/dist/data.js');
const loops = await at('apps/bench/dist/loops-sync.js');
const { MemrepInstance, tableOptions } = await at('apps/bench/dist/systems/memrep.js');
const mods = {};
for (const s of SYSTEMS)
  mods[s] = await at(
    s.startsWith('base')
      ? `packages/art/node_modules/.${s}/index.js`
      : `packages/${s}/dist/index.js`,
  );
const data = new Dataset(N, 16, 100, 42);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const samples = Object.fromEntries(SYSTEMS.map((s) => [s, []]));
for (let r = -1; r < ROUNDS; r++) {
  for (const s of (r & 1) === 0 ? SYSTEMS : [...SYSTEMS].reverse()) {
    globalThis.gc?.();
    const inst = new MemrepInstance(
      mods[s].createTable(tableOptions({ num: N, keySize: 16, valueSize: 100 })),
    );
    const t0 = cpu();
    loops.fill(inst, { bytes: data.keys, size: 16 }, null, N, data.values, 0);
    const ms = cpu() - t0;
    if (r >= 0) samples[s].push((N / ms) * 1000);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const first = samples[SYSTEMS[0]];
for (const s of SYSTEMS) {
  const a = samples[s];
  const x = median(a.map((v, i) => first[i] / v));
  console.log(
    `${s}: ${(median(a) / 1e3).toFixed(0)}k/s [${a.map((v) => (v / 1e3).toFixed(0)).join(' ')}] ${SYSTEMS[0]}/${s} ${x.toFixed(2)}`,
  );
}
