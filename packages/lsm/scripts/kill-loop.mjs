// The kill -9 loop through MemtableList: a child (kill-child.mjs) writes batches with
// `sync: true` from four writers at once and prints each acknowledged batch; the parent SIGKILLs
// it at a random moment, then reopens the directory and checks that the seqs held by the
// flushed files and the recovered list are exactly 0..m (no hole, nothing invented, no batch in
// part) with every acknowledged batch among them.
//
//   node scripts/kill-loop.mjs [--rounds 200] [--seed 1]   (after `pnpm build`)
//
// Prints one JSON line: { rounds, acknowledged, recovered, lost, flushedFiles, batchesPerRound }.
// Exits 1 on any loss.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTable } from '@memrep/skiplist';
import { MemtableList } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rounds = option('rounds', 200);
let state = option('seed', 1) >>> 0;
const random = () => {
  state = (state * 1664525 + 1013904223) >>> 0;
  return state / 2 ** 32;
};
const child = join(dirname(fileURLToPath(import.meta.url)), 'kill-child.mjs');
const root = await mkdtemp(join(tmpdir(), 'memrep-lsm-kill-'));

function runChild(delayMs, seed) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, root, String(seed)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let timer = null;
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      if (timer === null && out.includes('\n'))
        timer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL')
        return reject(new Error(`the child exited by itself (${code}): ${out.slice(-500)}`));
      const lines = out.split('\n');
      lines.pop();
      lines.shift();
      resolve(lines.map((line) => line.split(' ').map(Number)));
    });
  });
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
    const acked = await runChild(5 + Math.floor(random() * 300), round + 1);
    acknowledged += acked.length;
    perRound.push(acked.length);
    for (const [first, count] of acked) maxAcked = Math.max(maxAcked, first + count - 1);
    const { seqs, files } = await recoveredSeqs();
    flushedFiles = files;
    const holes = seqs.some((s, i) => s !== i);
    const missing = acked.filter(([first, count]) => first + count > seqs.length).length;
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
perRound.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    rounds,
    acknowledged,
    recovered,
    lost,
    flushedFiles,
    batchesPerRound: {
      min: perRound[0],
      median: perRound[perRound.length >> 1],
      max: perRound[perRound.length - 1],
    },
  }),
);
process.exit(lost > 0 ? 1 : 0);
