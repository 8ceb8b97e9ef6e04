// The kill -9 loop through MemtableList: a child (kill-child.mjs) writes batches with
// `sync: true` (`--sync false`: sync: false, which a process crash must not lose either) from
// four writers at once and prints each acknowledged batch; the parent SIGKILLs it at a random
// moment, then reopens the directory and checks that the seqs held by the flushed files and the
// recovered list are exactly 0..m (no hole, nothing invented, no batch in part) with every
// acknowledged batch among them.
//
//   node scripts/kill-loop.mjs [--rounds 200] [--seed 1] [--sync true|false]   (after `pnpm build`)
//
// Prints one JSON line: { rounds, sync, acknowledged, recovered, lost, flushedFiles, batchesPerRound }.
// Exits 1 on any loss.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createTable } from '@memrep/skiplist';
import { MemtableList } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    sync: { type: 'string', default: 'true' },
  },
});
if (values.sync !== 'true' && values.sync !== 'false') throw new Error('--sync is true or false');
const sync = values.sync === 'true';
const rounds = Number(values.rounds);
let lcg = Number(values.seed) >>> 0;
const random = () => (lcg = (lcg * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const childScript = new URL('./kill-child.mjs', import.meta.url).pathname;
const root = await mkdtemp(join(tmpdir(), 'memrep-lsm-kill-'));

/** Runs the child until `delayMs` after it is ready, SIGKILLs it: the batches it acknowledged. */
async function untilKilled(delayMs, seed) {
  const proc = spawn(process.execPath, [childScript, root, String(seed), String(sync)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(proc, 'exit');
  const acked = [];
  let ready = false;
  for await (const line of createInterface({ input: proc.stdout })) {
    if (ready && /^\d+ \d+$/.test(line)) acked.push(line.split(' ').map(Number));
    else {
      ready = true;
      setTimeout(() => proc.kill('SIGKILL'), delayMs);
    }
  }
  const [code, signal] = await exited;
  if (signal !== 'SIGKILL') throw new Error(`the child exited by itself (${code})`);
  return acked;
}

/** Every seq on disk: the flushed files' and those the reopened list holds. */
async function recoveredSeqs() {
  const seqs = [];
  const sstDir = join(root, 'sst');
  let files = 0;
  for (const name of await readdir(sstDir)) {
    if (!name.endsWith('.json')) continue;
    files++;
    seqs.push(...JSON.parse(await readFile(join(sstDir, name), 'utf8')));
  }
  const list = await MemtableList.open({
    createTable,
    wal: { dir: join(root, 'wal'), recovery: 'tolerateTail' },
  });
  const cursor = list.cursor();
  for (cursor.first(); cursor.valid; cursor.next()) seqs.push(cursor.seq);
  for (const t of list.rangeTombstones()) seqs.push(t.seq);
  await list.close();
  return { seqs: [...new Set(seqs)].sort((a, b) => a - b), files };
}

let acknowledged = 0;
let lost = 0;
let maxAcked = -1;
let recovered = 0;
let flushedFiles = 0;
const perRound = [];
try {
  for (let round = 0; round < rounds; round++) {
    const acked = await untilKilled(5 + Math.floor(random() * 300), round + 1);
    acknowledged += acked.length;
    perRound.push(acked.length);
    for (const [first, count] of acked) maxAcked = Math.max(maxAcked, first + count - 1);
    const { seqs, files } = await recoveredSeqs();
    flushedFiles = files;
    const holes = seqs.some((s, i) => s !== i);
    const missing = acked.filter(([first, count]) => first + count > seqs.length).length;
    // A child starts above everything recovered before it: a seq given twice is a lost write.
    const reused = acked.filter(([first]) => first < recovered).length;
    if (reused > 0) {
      lost += reused;
      console.error(`round ${round}: ${reused} batches reused seqs below ${recovered}`);
    }
    if (holes || missing > 0 || seqs.length <= maxAcked) {
      lost += Math.max(missing, 1);
      console.error(
        `round ${round}: recovered ${seqs.length} seqs (holes: ${holes}), acknowledged up to ${maxAcked}`,
      );
    }
    recovered = seqs.length;
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
const sorted = perRound.sort((x, y) => x - y);
const batchesPerRound = { min: sorted[0], median: sorted[sorted.length >> 1], max: sorted.at(-1) };
const result = { rounds, sync, acknowledged, recovered, lost, flushedFiles, batchesPerRound };
console.log(JSON.stringify(result));
process.exitCode = lost > 0 ? 1 : 0;
