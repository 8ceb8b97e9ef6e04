import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A real kill -9 loop through MemtableList (scripts/kill-loop.mjs, 20 rounds here): a child
 * writes batches with `sync: true` from four writers, rotating and flushing into files, and
 * prints each acknowledged batch; the parent SIGKILLs it at a random moment, reopens, and
 * checks that the flushed files and the recovered list hold exactly seqs 0..m with every
 * acknowledged batch among them. It runs on the built package (turbo builds before testing).
 */
const script = fileURLToPath(new URL('../scripts/kill-loop.mjs', import.meta.url));

describe('kill -9', () => {
  it('20 rounds of SIGKILL lose no acknowledged write and leave no hole', async () => {
    expect(
      existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url))),
      'build the package first',
    ).toBe(true);
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [script, '--rounds', '20', '--seed', '7'],
        { timeout: 110_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.rounds).toBe(20);
    expect(result.lost).toBe(0);
    expect(result.acknowledged).toBeGreaterThan(0);
    expect(result.flushedFiles).toBeGreaterThan(0);
    expect(result.recovered).toBeGreaterThan(0);
  }, 120_000);
});
