// Sync policies against a bare write + fdatasync loop, in one process, rounds interleaved:
//   node bench/sync.mjs [--appends 300] [--writers 64] [--rounds 3]   (after `pnpm build`)
// - bare:   a FileHandle write of the framed record, then fdatasync, per record (the floor)
// - always: sequential `append(batch, { sync: 'always' })`, awaited one by one
// - group:  `--writers` concurrent appenders, each awaiting its own appends (sync 'group')
// - none:   sequential appends written to the OS only (for scale)
// Records: one put of a 16-byte key and a 100-byte value (a 135-byte batch, 142 bytes framed).
// Prints appends/s per round, the medians, and the two target ratios.
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteBatch } from '@memrep/core';
import { BLOCK_SIZE, encodeRecord, framedSize, WriteAheadLog } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const appends = option('appends', 300);
const writers = option('writers', 64);
const rounds = option('rounds', 3);
const root = await mkdtemp(join(tmpdir(), 'memrep-walbench-'));

function batch(seq) {
  const b = new WriteBatch();
  b.put(
    new TextEncoder().encode(`key-${String(seq).padStart(12, '0')}`),
    new Uint8Array(100).fill(seq & 0xff),
  );
  b.sequence = seq;
  return b;
}

async function bare(dir, n) {
  const framed = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const rep = batch(i + 1).rep;
    const out = new Uint8Array(framedSize(rep.length, offset % BLOCK_SIZE));
    encodeRecord(rep, offset % BLOCK_SIZE, out, 0);
    framed.push(out);
    offset += out.length;
  }
  const handle = await open(join(dir, 'bare.log'), 'wx');
  const t0 = process.hrtime.bigint();
  let position = 0;
  for (const bytes of framed) {
    await handle.write(bytes, 0, bytes.length, position);
    position += bytes.length;
    await handle.datasync();
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await handle.close();
  return n / s;
}

async function sequential(dir, n, sync) {
  const wal = await WriteAheadLog.open(dir, { sync });
  const batches = Array.from({ length: n }, (_, i) => batch(i + 1));
  const t0 = process.hrtime.bigint();
  for (const b of batches) await wal.append(b);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await wal.close();
  return n / s;
}

async function group(dir, perWriter) {
  const wal = await WriteAheadLog.open(dir, { sync: 'group' });
  const batches = Array.from({ length: writers * perWriter }, (_, i) => batch(i + 1));
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) await wal.append(batches[w * perWriter + i]);
    }),
  );
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await wal.close();
  return (writers * perWriter) / s;
}

const results = { bare: [], always: [], group: [], none: [] };
try {
  for (let round = 0; round < rounds; round++) {
    const dir = (name) => join(root, `${name}-${round}`);
    results.bare.push(await bare(await mkdtemp(join(root, 'b')), appends));
    results.always.push(await sequential(dir('always'), appends, 'always'));
    results.group.push(await group(dir('group'), Math.max(20, Math.ceil(appends / 4))));
    results.none.push(await sequential(dir('none'), appends * 10, 'none'));
    console.log(
      `round ${round}: bare ${results.bare[round].toFixed(0)}/s, always ${results.always[round].toFixed(0)}/s, ` +
        `group(${writers}) ${results.group[round].toFixed(0)}/s, none ${results.none[round].toFixed(0)}/s`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const spread = (xs) => ((Math.max(...xs) - Math.min(...xs)) / median(xs)) * 100;
for (const [name, xs] of Object.entries(results)) {
  console.log(
    `${name.padEnd(7)} median ${median(xs).toFixed(0).padStart(8)} appends/s  spread ${spread(xs).toFixed(0)}%`,
  );
}
const perRound = (a, b) => results[a].map((x, i) => x / results[b][i]);
console.log(
  `group(${writers}) / always: ${median(perRound('group', 'always')).toFixed(1)}x (per round ${perRound(
    'group',
    'always',
  )
    .map((r) => r.toFixed(1))
    .join(', ')})`,
);
console.log(
  `always time / bare time: ${median(perRound('bare', 'always')).toFixed(2)}x (per round ${perRound(
    'bare',
    'always',
  )
    .map((r) => r.toFixed(2))
    .join(', ')})`,
);
