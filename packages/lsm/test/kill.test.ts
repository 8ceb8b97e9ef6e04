import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * A real kill -9 loop through MemtableList (scripts/kill-loop.mjs): a child writes batches
 * from four writers, rotating and flushing into files, and prints each acknowledged batch; the
 * parent SIGKILLs it at a random moment, reopens, and checks that the flushed files and the
 * recovered list hold exactly seqs 0..m with every acknowledged batch among them. One leg with
 * `sync: true`, one with `sync: false` (a process crash keeps what was written to the OS). 20
 * rounds a leg here; `MEMREP_KILL_ROUNDS=200` for the long run. It runs on the built package
 * (turbo builds before testing).
 */
const run = promisify(execFile);
const here = (path: string) => new URL(path, import.meta.url).pathname;
const rounds = Number(process.env.MEMREP_KILL_ROUNDS ?? 20);
const timeout = 110_000 * Math.max(1, rounds / 20);

describe('kill -9 through MemtableList', () => {
  for (const [sync, seed] of [
    ['true', '7'],
    ['false', '8'],
  ] as const) {
    it(
      `${rounds} rounds of SIGKILL, sync: ${sync}, lose no acknowledged write and leave no hole`,
      async () => {
        expect(existsSync(here('../dist/index.js')), 'build the package first').toBe(true);
        const args = [here('../scripts/kill-loop.mjs'), '--rounds', String(rounds)];
        args.push('--seed', seed, '--sync', sync);
        const { stdout } = await run(process.execPath, args, { timeout });
        const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
        expect(result).toMatchObject({ rounds, sync: sync === 'true', lost: 0 });
        expect(result.acknowledged).toBeGreaterThan(0);
        expect(result.flushedFiles).toBeGreaterThan(0);
        expect(result.recovered).toBeGreaterThan(0);
      },
      timeout + 10_000,
    );
  }
});
