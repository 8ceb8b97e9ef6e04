// A/B of the reader side, main against this worktree in one process: `refresh()` of an
// attached arena that has not grown (what a skip-list reader calls at every seek), and `get`
// through an attached skip list (`SkipListTable.attach(share())`, the concurrent read path) at
// 10k entries. CPU time (process.cpuUsage): the machine is shared and loaded.
// Usage (build this worktree's core and skiplist first):
//   node packages/core/bench/region-refresh.mjs [main=/work/main] [rounds=7]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const MAIN = process.argv[2] ?? '/work/main';
const ROUNDS = Number(process.argv[3] ?? 7);
const here = resolve(import.meta.dirname, '../../..');
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const load = async (root, pkg) =>
  import(pathToFileURL(resolve(root, `packages/${pkg}/dist/index.js`)).href);
const systems = {};
for (const [name, root] of [
  ['main', MAIN],
  ['region', here],
]) {
  systems[name] = { core: await load(root, 'core'), skiplist: await load(root, 'skiplist') };
}

const N = 10_000;
const keys = Array.from({ length: N }, (_, i) => {
  const k = new Uint8Array(16);
  new DataView(k.buffer).setUint32(0, Math.imul(i, 2654435761) >>> 0);
  return k;
});
const value = new Uint8Array(64).fill(1);
const setups = {};
for (const [name, { core, skiplist }] of Object.entries(systems)) {
  const arena = new core.Arena();
  arena.allocate(3 * (4 << 20));
  const reader = core.Arena.attach(arena.share());
  const table = skiplist.createTable();
  for (const k of keys) table.put(k, value);
  const attached = skiplist.SkipListTable.attach(table.share());
  setups[name] = { reader, attached, kind: arena.regionKind ?? 'growable-sab' };
}
const refreshes = (reader, n) => {
  let changed = 0;
  const t0 = cpuNow();
  for (let i = 0; i < n; i++) if (reader.refresh()) changed++;
  if (changed !== 0) throw new Error('no growth was made');
  return ((cpuNow() - t0) * 1e6) / n;
};
const gets = (table, passes) => {
  let sum = 0;
  const t0 = cpuNow();
  for (let p = 0; p < passes; p++) for (const k of keys) sum += table.get(k).length;
  if (sum !== passes * N * 64) throw new Error('bad get');
  return ((cpuNow() - t0) * 1e6) / (passes * N);
};
const res = { main: { refresh: [], get: [] }, region: { refresh: [], get: [] } };
for (const s of Object.values(setups)) {
  refreshes(s.reader, 1e6);
  gets(s.attached, 20);
}
for (let r = 0; r < ROUNDS; r++) {
  for (const name of r % 2 === 0 ? ['main', 'region'] : ['region', 'main']) {
    res[name].refresh.push(refreshes(setups[name].reader, 5e6));
    res[name].get.push(gets(setups[name].attached, 50));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (xs) =>
  `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})`;
const os = await import('node:os');
console.log(
  `node ${process.version}, ${ROUNDS} rounds; loadavg ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; region kind ${setups.region.kind}`,
);
console.log('| reader | main | region | region/main |');
console.log('| --- | --: | --: | --: |');
for (const [what, key] of [
  ['refresh() ns, no growth', 'refresh'],
  [`attached get ns, N=${N}`, 'get'],
]) {
  const a = res.main[key];
  const b = res.region[key];
  console.log(`| ${what} | ${fmt(a)} | ${fmt(b)} | ${(median(b) / median(a)).toFixed(2)} |`);
}
