import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * A real kill -9 loop through MemtableList (scripts/kill-loop.mjs, 20 rounds here): a child
 * writes batches with `sync: true` from four writers, rotating and flushing into files, and
 * prints each acknowledged batch; the parent SIGKILLs it at a random moment, reopens, and
 * checks that the flushed files and the recovered list hold exactly seqs 0..m with every
 * acknowledged batch among them. It runs on the built package (turbo builds before testing).
 */
const run = promisify(execFile);
const here = (path: string) => new URL(path, import.meta.url).pathname;

describe('kill -9 through MemtableList', () => {
  it('20 rounds of SIGKILL lose no acknowledged write and leave no hole', async () => {
    expect(existsSync(here('../dist/index.js')), 'build the package first').toBe(true);
    const args = [here('../scripts/kill-loop.mjs'), '--rounds', '20', '--seed', '7'];
    const { stdout } = await run(process.execPath, args, { timeout: 110_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(result).toMatchObject({ rounds: 20, lost: 0 });
    expect(result.acknowledged).toBeGreaterThan(0);
    expect(result.flushedFiles).toBeGreaterThan(0);
    expect(result.recovered).toBeGreaterThan(0);
  }, 120_000);
});
