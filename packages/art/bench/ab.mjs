// A/B of art's workloads in ONE process, driven like apps/bench drives a table (its data, its
// loops, its `MemrepInstance`): this worktree's art (`art`), an earlier build of it (`base`),
// the skip list and the latin1 `Map` (and `sorted-btree`), rounds interleaved, CPU time per
// pass (the machine is shared), median and spread (max-min over median) per system.
//
// Workloads: readrandom, seekrandom (N/10 seeks + 10 steps), scancursor, prefixscan (N/100
// prefix() scans over keys sharing 4-byte prefixes), memory (memoryUsage / N, once).
// Under --expose-gc each pass starts after a full GC, as the bench's timed passes do.
// PROFILE=file.cpuprofile writes a V8 CPU profile of the timed rounds only (not the fills):
// run one system and one workload for that system's profile of it.
//
// Usage (build first: pnpm turbo run build --filter=@memrep/bench...):
//   node packages/art/bench/ab.mjs <workloads,...> [n=1000000] [rounds=5] [systems=art,skiplist,map]
// A system named base<anything> is an earlier build of art: a copy of packages/art/dist made
// inside packages/art (so that it resolves this worktree's @memrep/core):
//   cp -r packages/art/dist packages/art/node_modules/.base   (then system `base`)
import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const WORKLOADS = (process.argv[2] ?? 'readrandom').split(',');
const N = Number(process.argv[3] ?? 1_000_000);
const ROUNDS = Number(process.argv[4] ?? 5);
const SYSTEMS = (process.argv[5] ?? 'art,skiplist,map').split(',');
const here = resolve(import.meta.dirname, '../../..');
const at = (root, path) => import(pathToFileURL(resolve(root, path)).href);
const { Dataset, SEEK_STEPS } = await at(here, 'apps/bench/dist/data.js');
const loops = await at(here, 'apps/bench/dist/loops-sync.js');
const { MemrepInstance, tableOptions } = await at(here, 'apps/bench/dist/systems/memrep.js');
const { mapAdapter } = await at(here, 'apps/bench/dist/systems/map.js');
const { sortedBTreeAdapter } = await at(here, 'apps/bench/dist/systems/sorted-btree.js');

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const data = new Dataset(N, 16, 100, 42);
const keys = { bytes: data.keys, size: 16 };
const values = data.values;

async function open(name, prefixLength) {
  const options = { num: N, keySize: 16, valueSize: 100, prefixLength };
  if (name === 'map') return mapAdapter.open();
  if (name === 'sorted-btree') return sortedBTreeAdapter.open({}, options);
  const mod = name.startsWith('base')
    ? await at(here, `packages/art/node_modules/.${name}/index.js`)
    : await at(here, `packages/${name}/dist/index.js`);
  return new MemrepInstance(mod.createTable(tableOptions(options)));
}

const ordered = (name) => name !== 'map';
const systems = [];
for (const name of SYSTEMS) {
  const inst = await open(name);
  const t0 = cpuNow();
  loops.fill(inst, keys, null, N, values, 0);
  const fillMs = cpuNow() - t0;
  let prefixInst = null;
  if (WORKLOADS.includes('prefixscan') && ordered(name)) {
    prefixInst = await open(name, 4);
    loops.fill(prefixInst, { bytes: data.prefix.keys, size: 16 }, null, N, values, 0);
  }
  systems.push({ name, inst, prefixInst, fillMs, samples: {} });
  console.log(`${name}: fill ${((N / fillMs) * 1000).toFixed(0)}/s`);
}

// SLICE=k: each pass does 1/k of the ops (the next slice each round), so that more, shorter
// rounds alternate the systems and the per-round ratios see the same load.
const SLICE = Number(process.env.SLICE ?? 1);
const slice = (order, r) => {
  const len = Math.floor(order.length / SLICE);
  const at = (((r % SLICE) + SLICE) % SLICE) * len;
  return order.subarray(at, at + len);
};
const passes = {
  readrandom: (s, r) => {
    const order = slice(data.readOrder, r);
    return [order.length, () => loops.read(s.inst, keys, order, order.length)];
  },
  seekrandom: (s, r) => {
    const order = slice(data.seekOrder, r);
    return [order.length, () => loops.seek(s.inst, keys, order, order.length, SEEK_STEPS)];
  },
  scancursor: (s) => [N, () => s.inst.scanCursor()],
  prefixscan: (s, r) => {
    const p = data.prefix;
    const order = slice(p.scanOrder, r);
    return [
      order.length,
      () => loops.prefix(s.prefixInst, p.prefixes, p.uppers, order, order.length),
    ];
  },
};

const profile = process.env.PROFILE;
const session = profile === undefined ? null : new inspector.Session();
const post = (method) =>
  new Promise((ok, fail) => session.post(method, (e, r) => (e ? fail(e) : ok(r))));
if (session !== null) {
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.start');
}

let sink = 0;
// Round -1 warms every pass up and is not counted.
for (let r = -1; r < ROUNDS; r++) {
  for (const w of WORKLOADS) {
    if (w === 'memory') continue;
    for (const s of (r & 1) === 0 ? systems : [...systems].reverse()) {
      if (w !== 'readrandom' && !ordered(s.name)) continue;
      const [ops, pass] = passes[w](s, r);
      globalThis.gc?.();
      const t0 = cpuNow();
      sink += pass();
      const ms = cpuNow() - t0;
      if (r >= 0) (s.samples[w] ??= []).push((ops / ms) * 1000);
    }
  }
}

if (session !== null) {
  const { profile: p } = await post('Profiler.stop');
  writeFileSync(profile, JSON.stringify(p));
}

const median = (a) => {
  const b = [...a].sort((x, y) => x - y);
  return b[b.length >> 1];
};
const fmt = (x) => (x >= 1e4 ? `${(x / 1e3).toFixed(0)}k` : x.toFixed(0));
const ref = systems.find((s) => s.name === 'skiplist');
const ratios = (a, b) => median(a.map((x, i) => x / b[i]));
for (const w of WORKLOADS) {
  console.log(
    `\n${w} (N=${N}, ${ROUNDS} rounds): ops/s median [rounds] spread; x: median per-round ratio`,
  );
  for (const s of systems) {
    if (w === 'memory') {
      if (s.inst.tableBytes) console.log(`  ${s.name}: ${(s.inst.tableBytes() / N).toFixed(1)} B`);
      continue;
    }
    const a = s.samples[w];
    if (a === undefined) continue;
    const m = median(a);
    const spread = (Math.max(...a) - Math.min(...a)) / m;
    const vs = systems
      .filter((o) => o !== s && o.samples[w] !== undefined && (o === ref || s === systems[0]))
      .map((o) => ` ${ratios(a, o.samples[w]).toFixed(2)}x ${o.name}`)
      .join(',');
    const shown = a.length > 12 ? `${a.length} rounds` : a.map(fmt).join(' ');
    console.log(`  ${s.name}: ${fmt(m)} [${shown}] ${(spread * 100).toFixed(0)}%${vs}`);
  }
}
if (sink === 0.5) console.log(sink);
