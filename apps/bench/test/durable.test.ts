import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesInLocation } from '../src/durable.js';

describe('bytesInLocation (what recover reports as on disk)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'memrep-bench-bytes-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts every file: top-level logs and tables, checkpoints, and the log subdirectory', async () => {
    await writeFile(join(dir, '000003.log'), new Uint8Array(10));
    await writeFile(join(dir, '000004.ldb'), new Uint8Array(20));
    await writeFile(join(dir, '000005.ckpt'), new Uint8Array(300));
    await writeFile(join(dir, 'LOCK'), '1234');
    await mkdir(join(dir, 'wal', 'deeper'), { recursive: true });
    await writeFile(join(dir, 'wal', '000007.log'), new Uint8Array(4000));
    await writeFile(join(dir, 'wal', 'deeper', 'x'), new Uint8Array(50000));
    expect(await bytesInLocation(dir)).toBe(10 + 20 + 300 + 4 + 4000 + 50000);
  });

  it('is 0 for an empty directory', async () => {
    expect(await bytesInLocation(dir)).toBe(0);
  });
});
