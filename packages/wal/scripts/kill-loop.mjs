// The kill -9 loop: a child appends with sync 'always' and prints every acknowledged seq; the
// parent SIGKILLs it at a random moment, recovers the directory, and checks that the batches are
// exactly 1..m in order (no hole, nothing invented) with every acknowledged seq among them.
//
//   node scripts/kill-loop.mjs [--rounds 200] [--seed 1]   (after `pnpm build`)
//
// Prints one JSON line: { rounds, acknowledged, recovered, lost, tornTails, appendsPerRound }.
// Exits 1 on any loss.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WriteAheadLog } from '../dist/index.js';

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
const root = await mkdtemp(join(tmpdir(), 'memrep-kill-'));
const dir = join(root, 'wal');

function runChild(delayMs) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
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
      const [, , torn] = lines.shift().split(' ');
      resolve({ acked: lines.map(Number), torn: Number(torn) });
    });
  });
}

let acknowledged = 0;
let lost = 0;
let tornTails = 0;
let maxAcked = 0;
let recovered = 0;
const perRound = [];
try {
  for (let round = 0; round < rounds; round++) {
    const { acked, torn } = await runChild(5 + Math.floor(random() * 300));
    tornTails += torn;
    acknowledged += acked.length;
    perRound.push(acked.length);
    if (acked.length > 0) maxAcked = Math.max(maxAcked, acked[acked.length - 1]);
    const seqs = [];
    const wal = await WriteAheadLog.open(dir, {
      recovery: 'tolerateTail',
      replay: (b) => seqs.push(b.sequence),
    });
    await wal.close();
    const holes = seqs.some((s, i) => s !== i + 1);
    const missing = acked.filter((s) => s > seqs.length).length;
    if (holes || missing > 0 || seqs.length < maxAcked) {
      lost += Math.max(missing, 1);
      console.error(
        `round ${round}: recovered ${seqs.length} (holes: ${holes}), acknowledged up to ${maxAcked}`,
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
    tornTails,
    appendsPerRound: {
      min: perRound[0],
      median: perRound[perRound.length >> 1],
      max: perRound[perRound.length - 1],
    },
  }),
);
process.exit(lost > 0 ? 1 : 0);
