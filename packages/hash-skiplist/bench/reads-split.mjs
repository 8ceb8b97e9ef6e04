// Where hash-skiplist's readrandom and prefixscan time goes, on the bench app's own data and
// loops (apps/bench: Dataset, loops-sync, MemrepInstance, the latin1 Map), in one process, in
// CPU time (the machine is shared), each step the median of `passes` warm passes.
//
// get, ns per get, each row adding one step to the one above:
//   copy      the bench loop's key copy alone (a random 16-byte key of a 16 MB array)
//   hash      + the bucket's hash (`bucketOf`)
//   slot      + the bucket slot's load, not depended on (so loads of several gets overlap)
//   has       + the entry: slot, then entry, a chain of dependent loads, and TableBase's checks
//   get       + the value view: what readrandom times
//   latin1    the key copy and the Map's key string; map: + `Map.get`, what readrandom times
// prefix, ns per entry, skiplist beside hash-skiplist:
//   raw       the table's raw cursor for the scan (`rawCursor(bounds, prefix)`): seek, walk to
//             the prefix's end, lengths read from the headers (the bucket's sweep included)
//   views     + a key and a value view per entry (core's entryKey/entryValue)
//   prefix    the public prefix() as the bench consumes it (+ visibility, pair, iterator)
//
// Usage (build first: pnpm turbo run build --filter=@memrep/bench...):
//   node packages/hash-skiplist/bench/reads-split.mjs [n=1000000] [passes=7]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const N = Number(process.argv[2] ?? 1_000_000);
const PASSES = Number(process.argv[3] ?? 7);
const root = resolve(import.meta.dirname, '../../..');
const load = (path) => import(pathToFileURL(resolve(root, path)).href);
const { Dataset, PREFIX_LENGTH } = await load('apps/bench/dist/data.js');
const L = await load('apps/bench/dist/loops-sync.js');
const { MemrepInstance, tableOptions } = await load('apps/bench/dist/systems/memrep.js');
const { mapAdapter } = await load('apps/bench/dist/systems/map.js');
const { latin1 } = await load('apps/bench/dist/bytes.js');
const { entryKey, entryPrefix32, entryValue, keyPrefix32, MAX_SEQ } = await load(
  'packages/core/dist/backend.js',
);
const backend = (name) => load(`packages/${name}/dist/index.js`);

const cpuNow = () => process.cpuUsage().user / 1000;
const data = new Dataset(N, 16, 100, 1);
const ENTRY_BYTES = 116;

/** Runs every step `PASSES` times, round-robin; prints each step's median in `unit`s. */
function measure(steps, ops, unit) {
  const times = steps.map(() => []);
  for (let p = 0; p < PASSES; p++) {
    steps.forEach(([name, run, want], i) => {
      const t0 = cpuNow();
      const got = run();
      times[i].push(cpuNow() - t0);
      if (want !== undefined && got !== want) throw new Error(`${name}: ${got}, not ${want}`);
    });
  }
  steps.forEach(([name], i) => {
    const t = times[i].slice(1).sort((a, b) => a - b);
    const ns = (ms) => ((ms * 1e6) / ops).toFixed(0);
    console.log(
      `${name.padEnd(30)} ${ns(t[t.length >> 1]).padStart(6)} ${unit} (min ${ns(t[0])}, max ${ns(t.at(-1))})`,
    );
  });
}

async function gets() {
  const keys = { bytes: data.keys, size: 16 };
  const { createTable } = await backend('hash-skiplist');
  const table = createTable(tableOptions({ num: N, keySize: 16, valueSize: 100 }));
  const inst = new MemrepInstance(table);
  const map = await mapAdapter.open();
  L.fill(inst, keys, null, N, data.values, 0);
  L.fill(map, keys, null, N, data.values, 0);
  const order = data.readOrder;
  const key = new Uint8Array(16);
  const each = (f) => () => {
    let s = 0;
    for (let i = 0; i < N; i++) {
      const o = order[i] * 16;
      for (let j = 0; j < 16; j++) key[j] = data.keys[o + j];
      s += f(key);
    }
    return s;
  };
  const i32 = table.arena.i32;
  const slotWord = table.bucketWord + 1;
  measure(
    [
      ['get: copy', each((k) => k[3] & 1)],
      ['get: hash', each((k) => table.bucketOf(k) & 1)],
      ['get: slot', each((k) => i32[slotWord + table.bucketOf(k) * 4] & 1)],
      ['get: has', each((k) => (table.has(k) ? 1 : 0)), N],
      ['get: get', () => L.read(inst, keys, order, N), N],
      ['get: latin1', each((k) => latin1(k).length & 1)],
      ['get: map', () => L.read(map, keys, order, N), N],
    ],
    N,
    'ns/get',
  );
}

async function prefixes() {
  const pd = data.prefix;
  const keys = { bytes: pd.keys, size: 16 };
  const scans = pd.prefixes.length;
  const steps = [];
  for (const name of ['hash-skiplist', 'skiplist']) {
    const { createTable } = await backend(name);
    const options = { num: N, keySize: 16, valueSize: 100, prefixLength: PREFIX_LENGTH };
    const table = createTable(tableOptions(options));
    const inst = new MemrepInstance(table);
    L.fill(inst, keys, null, N, data.values, 0);
    const walk = (views) => () => {
      let sum = 0;
      for (let i = 0; i < scans; i++) {
        const j = pd.scanOrder[i];
        const p = pd.prefixes[j];
        const u = pd.uppers[j];
        const bounds = {
          lower: p,
          upper: u,
          lowerExclusive: false,
          upperExclusive: true,
          reverse: false,
          limit: Number.POSITIVE_INFINITY,
          snapshot: table.lastSeq,
          empty: false,
        };
        const end = u === undefined ? Number.POSITIVE_INFINITY : keyPrefix32(u);
        const c = table.rawCursor(bounds, p);
        for (c.seek(p, MAX_SEQ); c.entry !== 0; c.next()) {
          const a = c.arena;
          const o = c.entry;
          if (entryPrefix32(a.i32, a.bytes, o) >= end) break;
          if (views) sum += entryKey(a, o).length + entryValue(a, o).length;
          else sum += (a.i32[o >> 2] >>> 6) + a.i32[(o >> 2) + 1];
        }
      }
      return sum;
    };
    steps.push(
      [`prefix: ${name} raw`, walk(false), N * ENTRY_BYTES],
      [`prefix: ${name} views`, walk(true), N * ENTRY_BYTES],
      [
        `prefix: ${name} prefix`,
        () => L.prefix(inst, pd.prefixes, pd.uppers, pd.scanOrder, scans),
        N * ENTRY_BYTES,
      ],
    );
  }
  measure(steps, N, 'ns/entry');
}

console.log(`N = ${N}, ${PASSES} passes, CPU time, medians of passes 2..${PASSES}`);
await gets();
await prefixes();
