// Sync policies against a bare write + fdatasync loop, in one process, rounds interleaved:
//   node bench/sync.mjs [--appends 300] [--writers 64] [--rounds 3]   (after `pnpm build`)
// - bare:   a FileHandle write of the framed record, then fdatasync, per record (the floor)
// - always: sequential `append(batch, { sync: 'always' })`, awaited one by one, interleaved
//           with bare in chunks of 10 (the disk's sync latency drifts too much for two runs)
// - group:  `--writers` concurrent appenders, each awaiting its own appends (sync 'group'),
//           3 appends each per chunk, interleaved with the two above
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
const rounds = option('rounds', 5);
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

/**
 * The bare loop and 'always' appends of the same records, interleaved in chunks of 10 (ABBA
 * order), each on its own file: the disk's fdatasync latency drifts by 10x and more on this
 * shared machine, so two runs one after the other would compare the drift, not the code.
 */
async function bareAndAlways(root, n) {
  const framed = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const rep = batch(i + 1).rep;
    const out = new Uint8Array(framedSize(rep.length, offset % BLOCK_SIZE));
    encodeRecord(rep, offset % BLOCK_SIZE, out, 0);
    framed.push(out);
    offset += out.length;
  }
  const batches = Array.from({ length: n }, (_, i) => batch(i + 1));
  const handle = await open(join(await mkdtemp(join(root, 'bare-')), 'bare.log'), 'wx');
  const wal = await WriteAheadLog.open(await mkdtemp(join(root, 'always-')), { sync: 'always' });
  const grouped = await WriteAheadLog.open(await mkdtemp(join(root, 'group-')), { sync: 'group' });
  const perWriter = 3;
  const groupBatches = Array.from({ length: writers * perWriter }, (_, i) => batch(i + 1));
  let position = 0;
  let bareNs = 0;
  let alwaysNs = 0;
  let groupNs = 0;
  let groupAppends = 0;
  const runBare = async (from, to) => {
    const t0 = process.hrtime.bigint();
    for (let i = from; i < to; i++) {
      await handle.write(framed[i], 0, framed[i].length, position);
      position += framed[i].length;
      await handle.datasync();
    }
    bareNs += Number(process.hrtime.bigint() - t0);
  };
  const runAlways = async (from, to) => {
    const t0 = process.hrtime.bigint();
    for (let i = from; i < to; i++) await wal.append(batches[i]);
    alwaysNs += Number(process.hrtime.bigint() - t0);
  };
  const runGroup = async () => {
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) await grouped.append(groupBatches[w * perWriter + i]);
      }),
    );
    groupNs += Number(process.hrtime.bigint() - t0);
    groupAppends += writers * perWriter;
  };
  for (let from = 0, chunk = 0; from < n; from += 10, chunk++) {
    const to = Math.min(n, from + 10);
    if (chunk % 2 === 0) {
      await runBare(from, to);
      await runAlways(from, to);
      await runGroup();
    } else {
      await runGroup();
      await runAlways(from, to);
      await runBare(from, to);
    }
  }
  await handle.close();
  await wal.close();
  await grouped.close();
  return {
    bare: n / (bareNs / 1e9),
    always: n / (alwaysNs / 1e9),
    group: groupAppends / (groupNs / 1e9),
  };
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

const results = { bare: [], always: [], group: [], none: [] };
try {
  for (let round = 0; round < rounds; round++) {
    const pair = await bareAndAlways(root, appends);
    results.bare.push(pair.bare);
    results.always.push(pair.always);
    results.group.push(pair.group);
    results.none.push(await sequential(await mkdtemp(join(root, 'none-')), appends * 10, 'none'));
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
