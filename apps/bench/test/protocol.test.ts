import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { childEntry, runInChild } from '../src/protocol.js';
import type { Job } from '../src/results.js';
import { PEERS } from '../src/systems/index.js';
import type { SystemSpec } from '../src/systems/types.js';
import { requireBuilt } from './built.js';

const peer = (name: string) => PEERS.find((p) => p.name === name)!;
const job = (system: SystemSpec, workload: Job['workload'], repeat = 2): Job => ({
  system,
  workload,
  num: 2000,
  keySize: 16,
  valueSize: 32,
  seed: 1,
  repeat,
  readers: 1,
});

describe('the child-process protocol', () => {
  beforeAll(requireBuilt);

  it('a child runs one job and reports one sample per repeat', async () => {
    const outcome = await runInChild(job(peer('map'), 'readrandom'));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.result.samples).toHaveLength(2);
    for (const s of outcome.result.samples) {
      expect(s.ops).toBe(2000);
      expect(s.ms).toBeGreaterThan(0);
      expect(s.gcMaxPauseMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('an ordered workload on a sorted peer, and an async peer, come back checked', async () => {
    const scan = await runInChild(job(peer('sorted-btree'), 'seekrandom', 1));
    expect(scan).toMatchObject({ ok: true });
    const level = await runInChild(job(peer('memory-level'), 'prefixscan', 1));
    expect(level).toMatchObject({ ok: true });
    if (level.ok) expect(level.result.samples[0].ops).toBe(20);
  });

  it('the memory workload reports bytes per entry for each run', async () => {
    const outcome = await runInChild(job(peer('sorted-btree'), 'memory', 2));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.result.bytesPerEntry).toHaveLength(2);
    for (const b of outcome.result.bytesPerEntry!) expect(b).toBeGreaterThan(48);
  });

  it('a failing job comes back as an error outcome with the reason', async () => {
    const bogus = { ...peer('map'), adapter: 'nope' } as unknown as SystemSpec;
    const outcome = await runInChild(job(bogus, 'fillrandom'));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.length).toBeGreaterThan(0);
    const unsupported = await runInChild(job(peer('map'), 'scan'));
    expect(unsupported).toMatchObject({ ok: false });
    if (!unsupported.ok) expect(unsupported.error).toMatch(/does not support/);
  });

  it('a child that dies, or outlives its time, is reported with what it printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memrep-bench-protocol-'));
    try {
      const dying = join(dir, 'dying.mjs');
      writeFileSync(dying, "process.stderr.write('dying now\\n'); process.exit(3);\n");
      const dead = await runInChild(job(peer('map'), 'fillrandom'), { entry: dying });
      expect(dead).toMatchObject({
        ok: false,
        error: expect.stringMatching(/code 3[\s\S]*dying now/),
      });
      const silent = join(dir, 'silent.mjs');
      writeFileSync(silent, 'setInterval(() => {}, 1000);\n');
      const slow = await runInChild(job(peer('map'), 'fillrandom'), {
        entry: silent,
        timeoutMs: 500,
      });
      expect(slow).toMatchObject({ ok: false, error: expect.stringMatching(/timed out/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing build is a clear error, not a crash', async () => {
    const outcome = await runInChild(job(peer('map'), 'fillrandom'), {
      entry: '/nonexistent/child.js',
    });
    expect(outcome).toMatchObject({
      ok: false,
      error: expect.stringMatching(/build the bench app/),
    });
  });

  it('the child entry refuses to run without a parent', () => {
    const r = spawnSync(process.execPath, [childEntry()], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/start the CLI/);
  });
});
