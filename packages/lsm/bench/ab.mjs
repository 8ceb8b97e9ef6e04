// Two builds of the repository A/B in one process (after `pnpm build` in both):
//   node bench/ab.mjs --before /path/to/other/checkout
// Each side uses its own lsm, core and skiplist dist. Per side and round: `await list.put` without
// a log and with the WAL ('none'), one at a time, interleaved in chunks of 500 puts, the order of
// the four paths rotating; then `MemtableList.open({ wal })` of that log against `list.write` of
// the same batches (made once, up front) without a log, ABBA. Prints per-side ratios per round.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { before: { type: 'string' } } });
if (values.before === undefined) throw new Error('usage: node bench/ab.mjs --before DIR');
const here = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sides = {};
for (const [name, root] of [
  ['before', resolve(values.before)],
  ['after', here],
]) {
  sides[name] = {
    MemtableList: (await import(`${root}/packages/lsm/dist/index.js`)).MemtableList,
    createTable: (await import(`${root}/packages/skiplist/dist/index.js`)).createTable,
    WriteBatch: (await import(`${root}/packages/core/dist/index.js`)).WriteBatch,
  };
}
const num = 20000,
  rounds = 5;
const tmp = await mkdtemp(join(tmpdir(), 'ab2-'));
let st = 42;
const rnd = () => (st = (st * 1664525 + 1013904223) >>> 0);
const keys = Array.from({ length: num }, () => {
  const k = new Uint8Array(16);
  const v = new DataView(k.buffer);
  for (let i = 0; i < 16; i += 4) v.setUint32(i, rnd());
  return k;
});
const value = new Uint8Array(100).fill(7);
let d = 0;
const now = () => performance.now();
const res = { before: [], after: [] };
for (const s of Object.values(sides)) s.batches = keys.map((k) => new s.WriteBatch().put(k, value));
for (let r = 0; r < rounds + 1; r++) {
  const lists = {};
  const dirs = {};
  for (const s of ['before', 'after']) {
    const { MemtableList, createTable } = sides[s];
    dirs[s] = join(tmp, `w${d++}`);
    lists[`${s}.list`] = await MemtableList.open({ createTable });
    lists[`${s}.wal`] = await MemtableList.open({ createTable, wal: dirs[s] });
  }
  const names = Object.keys(lists);
  const ms = Object.fromEntries(names.map((n) => [n, 0]));
  for (let from = 0, c = 0; from < num; from += 500, c++)
    for (let j = 0; j < names.length; j++) {
      const n = names[(c + j) % names.length];
      const l = lists[n];
      const t = now();
      for (let i = from; i < from + 500; i++) await l.put(keys[i], value);
      ms[n] += now() - t;
    }
  for (const n of names) await lists[n].close();
  const rep = {};
  const bl = {};
  for (const order of [
    ['before', 'after'],
    ['after', 'before'],
  ])
    for (const s of order) {
      const { MemtableList, createTable } = sides[s];
      let t = now();
      const l = await MemtableList.open({ createTable, wal: dirs[s] });
      rep[s] = (rep[s] ?? 0) + now() - t;
      await l.close();
      const batches = sides[s].batches;
      const p = await MemtableList.open({ createTable });
      t = now();
      for (const b of batches) await p.write(b);
      bl[s] = (bl[s] ?? 0) + now() - t;
    }
  if (r === 0) continue;
  for (const s of ['before', 'after'])
    res[s].push({
      put: ms[`${s}.list`] / ms[`${s}.wal`],
      replay: bl[s] / rep[s],
      walUs: (ms[`${s}.wal`] * 1000) / num,
      listUs: (ms[`${s}.list`] * 1000) / num,
      repMs: rep[s] / 2,
      blMs: bl[s] / 2,
    });
  console.log(
    `round ${r}:`,
    ['before', 'after']
      .map((s) => {
        const x = res[s].at(-1);
        return `${s}: wal/list ${x.put.toFixed(2)}x (${x.walUs.toFixed(1)} vs ${x.listUs.toFixed(1)} us/put), replay/list.write ${x.replay.toFixed(2)}x (replay ${x.repMs.toFixed(0)} ms, list.write ${x.blMs.toFixed(0)} ms)`;
      })
      .join(' | '),
  );
}
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};
for (const s of ['before', 'after'])
  for (const k of ['put', 'replay']) {
    const xs = res[s].map((x) => x[k]);
    console.log(
      `${s} ${k === 'put' ? 'wal/list put' : 'replay/list.write'}: median ${med(xs).toFixed(2)}x (range ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`,
    );
  }
await rm(tmp, { recursive: true, force: true });
