// The kill -9 loop: a child writes with sync: true and reports acknowledged keys; the parent
// kills it with SIGKILL at a random moment, reopens the database, and checks that every
// acknowledged write is there (a batch whole) and that the reopen succeeded.
// Usage: node scripts/kill-loop.mjs [rounds=200] [backend=skiplist]. Needs `pnpm build`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemrepLevel } from '../dist/index.js';

export async function killLoop({ rounds, backend = 'skiplist', log = () => {} }) {
  const dir = mkdtempSync(join(tmpdir(), 'memrep-kill-'));
  const child = fileURLToPath(new URL('./kill-child.mjs', import.meta.url));
  const acked = new Map();
  let lost = 0;
  let reopens = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const proc = spawn(process.execPath, [child, dir, String(round), backend], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let buffer = '';
      let onOpen = () => {};
      const openedOnce = new Promise((resolve) => {
        onOpen = resolve;
      });
      let onAck = () => {};
      const ackedOnce = new Promise((resolve) => {
        onAck = resolve;
      });
      const exited = new Promise((resolve) => proc.on('exit', resolve));
      proc.stdout.on('data', (d) => {
        buffer += d;
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line === 'open') onOpen();
          else if (line.startsWith('ack ')) {
            const [, key, value] = line.split(' ');
            acked.set(key, value);
            onAck();
          }
          nl = buffer.indexOf('\n');
        }
      });
      // One round in ten is killed while it opens (recovering); the others 5-150 ms after
      // their first acknowledged write, so that every such round has one however slow the
      // machine (the count a test can rely on: `writingRounds`).
      if (round % 10 !== 9) await Promise.race([openedOnce.then(() => ackedOnce), exited]);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 145));
      proc.kill('SIGKILL');
      await exited;
      const db = new MemrepLevel(dir, { backend });
      await db.open();
      reopens++;
      for (const [key, value] of acked) {
        if ((await db.get(key)) !== value) lost++;
        if (key.endsWith('0') && Number(key.slice(-7)) % 10 === 0) {
          if ((await db.get(`${key}-b`)) !== value) lost++;
        }
      }
      await db.close();
      log(`round ${round + 1}: ${acked.size} acknowledged so far, ${lost} lost`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    rounds,
    reopens,
    acknowledged: acked.size,
    writingRounds: rounds - Math.floor(rounds / 10),
    lost,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.argv[2] ?? 200);
  const backend = process.argv[3] ?? 'skiplist';
  const started = Date.now();
  const result = await killLoop({ rounds, backend });
  console.log(
    JSON.stringify({ ...result, backend, seconds: Math.round((Date.now() - started) / 1000) }),
  );
  process.exit(result.lost === 0 && result.reopens === rounds ? 0 : 1);
}
