// Where art's arena bytes go after the bench's fill (its data, 16-byte keys, 100-byte values):
// entries, live nodes by kind with their unused slots, outgrown nodes, and what is left
// (zone chunk slack and the tree header), per entry.
// Usage (build first): node packages/art/bench/breakdown.mjs [n=1000000] [path=packages/art/dist]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const N = Number(process.argv[2] ?? 1_000_000);
const here = resolve(import.meta.dirname, '../../..');
const at = (path) => import(pathToFileURL(resolve(here, path)).href);
const { Dataset } = await at('apps/bench/dist/data.js');
const loops = await at('apps/bench/dist/loops-sync.js');
const { MemrepInstance, tableOptions } = await at('apps/bench/dist/systems/memrep.js');
const art = await at(`${process.argv[3] ?? 'packages/art/dist'}/index.js`);

const data = new Dataset(N, 16, 100, 42);
const table = art.createTable(tableOptions({ num: N, keySize: 16, valueSize: 100 }));
loops.fill(new MemrepInstance(table), { bytes: data.keys, size: 16 }, null, N, data.values, 0);

const arena = table.arena;
const i32 = arena.i32;
const bytes = arena.bytes;
const sizes = art.NODE_SIZES;
// A build before NODE_CAPACITY had the ladder 4, 16, 32, 48, 256.
const caps = art.NODE_CAPACITY ?? [4, 16, 32, 48, 256];
const names = caps.map((c) => `Node${c}`);
const slotsWord = caps.map((c) => 4 + Math.ceil(c / 4));
const perKind = names.map(() => ({ nodes: 0, children: 0, ends: 0 }));
let entryBytes = 0;
let entries = 0;
const hist = new Map();
const stack = [i32[table.tree.header >> 2]];
while (stack.length > 0) {
  const x = stack.pop();
  if (x === 0) continue;
  if ((x & 1) === 1) {
    for (let e = x ^ 1; e !== 0; e = i32[(e >> 2) + 4]) {
      entries++;
      const klen = i32[e >> 2] >>> 6;
      const vlen = i32[(e >> 2) + 1];
      entryBytes += (16 + 4 + klen + vlen + 7) & ~7;
    }
    continue;
  }
  const w = x >> 2;
  const kind = i32[w] & 7;
  const count = i32[w] >>> 8;
  const k = perKind[kind];
  k.nodes++;
  k.children += count;
  hist.set(count, (hist.get(count) ?? 0) + 1);
  if (i32[w + 3] !== 0) {
    k.ends++;
    stack.push(i32[w + 3]);
  }
  if (kind === art.NODE256) for (let b = 0; b < 256; b++) stack.push(i32[w + 4 + b]);
  else if (kind === art.NODE48) {
    for (let b = 0; b < 256; b++)
      if (bytes[x + 16 + b] !== 0) stack.push(i32[w + 67 + bytes[x + 16 + b]]);
  } else {
    for (let i = 0; i < count; i++) stack.push(i32[w + slotsWord[kind] + i]);
  }
}
const s = table.treeStats();
const per = (b) => (b / N).toFixed(2);
console.log(`N=${N} entries=${entries} entry bytes/entry ${per(entryBytes)}`);
let live = 0;
for (let kind = 0; kind < sizes.length; kind++) {
  const k = perKind[kind];
  const b = k.nodes * sizes[kind];
  live += b;
  const slack = (k.nodes * caps[kind] - k.children) * (kind >= art.NODE48 ? 4 : 5);
  console.log(
    `  ${names[kind]}: ${k.nodes} nodes, ${(k.children / Math.max(1, k.nodes)).toFixed(1)} children avg, ${per(b)} B/entry, unused child room ${per(slack)} B/entry, headers ${per(k.nodes * 16)}`,
  );
}
const outgrown = s.outgrownBytes;
const rest = arena.allocated - entryBytes - live - outgrown;
console.log(
  `live nodes ${per(live)}, outgrown not reused ${per(outgrown)} (reused ${per(s.reusedBytes)}), rest (zone slack, header) ${per(rest)}`,
);
console.log(
  `allocated ${per(arena.allocated)}  reserved (memoryUsage) ${per(arena.memoryUsage)}  blocks ${arena.memoryUsage / arena.blockSize}`,
);
if (process.env.HIST)
  console.log(
    [...hist]
      .sort((a, b) => a[0] - b[0])
      .map(([c, n]) => `${c}:${n}`)
      .join(' '),
  );
