import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInChild } from '../src/protocol.js';
import { aggregate, type Job } from '../src/results.js';
import { PEERS } from '../src/systems/index.js';
import type { SystemSpec } from '../src/systems/types.js';
import { requireBuilt } from './built.js';

const peer = (name: string) => PEERS.find((p) => p.name === name)!;
const backend = (name: string, packageName: string, tableClass: string): SystemSpec => ({
  name,
  kind: 'backend',
  adapter: 'memrep',
  packageName,
  tableClass,
  capabilities: ['scan', 'range', 'share', 'concurrentWrites'],
});
const skiplist = backend('skiplist', '@memrep/skiplist', 'SkipListTable');
/** A real backend that declares concurrentWrites absent. */
const hashLinkList = backend('hash-linklist', '@memrep/hash-linklist', 'HashLinkListTable');
/** A stand-in backend declaring concurrentWrites (a locked hash table in shared memory). */
const locked = backend(
  'locked',
  fileURLToPath(new URL('./fixtures/locked-table.mjs', import.meta.url)),
  'LockedTable',
);

const job = (system: SystemSpec, workload: Job['workload'], extra: Partial<Job> = {}): Job => ({
  system,
  workload,
  num: 3000,
  keySize: 16,
  valueSize: 32,
  seed: 1,
  repeat: 2,
  readers: 1,
  ...extra,
});

async function ok(j: Job) {
  const outcome = await runInChild(j);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result;
}

describe('the new workloads, end to end in a child at a tiny N', () => {
  beforeAll(requireBuilt);

  it('flush encodes every entry of a peer and of a backend', async () => {
    for (const system of [peer('sorted-btree'), peer('sonic-forest'), peer('memory-level')]) {
      const result = await ok(job(system, 'flush'));
      expect(result.samples.map((s) => s.ops)).toEqual([3000, 3000]);
      expect(result.remark).toBeUndefined();
    }
    const result = await ok(job(skiplist, 'flush'));
    expect(result.samples).toHaveLength(2);
    expect(result.samples.map((s) => s.ops)).toEqual([3000, 3000]);
    expect(result.remark).toBeUndefined();
  }, 120_000);

  it('interleaved runs N/10 rounds of put + 10-entry range on sync and async systems', async () => {
    for (const system of [skiplist, peer('js-sdsl'), peer('memory-level')]) {
      const result = await ok(job(system, 'interleaved'));
      expect(result.samples.map((s) => s.ops)).toEqual([300, 300]);
    }
    const map = await runInChild(job(peer('map'), 'interleaved'));
    expect(map).toMatchObject({ ok: false, error: expect.stringMatching(/does not support/) });
  }, 120_000);

  it('durable writes classic-level in batches, synced or not; recover times the reopen', async () => {
    const classic = peer('classic-level');
    const plain = await ok(job(classic, 'durable', { durable: { batch: 100, sync: false } }));
    expect(plain.samples.map((s) => s.ops)).toEqual([3000, 3000]);
    const synced = await ok(job(classic, 'durable', { durable: { batch: 1, sync: true } }));
    expect(synced.samples.map((s) => s.ops)).toEqual([30, 30]);
    const recover = await ok(job(classic, 'recover'));
    expect(recover.samples.map((s) => s.ops)).toEqual([3000, 3000]);
    // 3000 puts of 48 bytes of key and value, each a log record with its framing.
    expect(recover.logBytes).toBeGreaterThan(3000 * 48);
    expect(recover.fillMs).toBeGreaterThan(0);
    const row = aggregate(job(classic, 'recover'), recover);
    expect(row.readySeconds).toBeGreaterThan(0);
    expect(row.replayMBPerSec).toBeCloseTo(recover.logBytes! / 2 ** 20 / row.readySeconds!);
  }, 120_000);

  it('--writers fills one shared table from W threads and against one writer thread', async () => {
    const j = job(locked, 'fillrandom', { writers: 3 });
    const result = await ok(j);
    expect(result.samples).toHaveLength(2);
    for (const s of result.samples) {
      expect(s.ops).toBe(3000);
      expect(s.oneWriterMs).toBeGreaterThan(0);
    }
    const row = aggregate(j, result);
    expect(row).toMatchObject({ writers: 3, variant: '3 writers' });
    expect(row.writerRatio).toBeCloseTo(row.opsPerSec! / row.oneWriterOpsPerSec!);
    // A backend without concurrentWrites cannot take the run: a clear error, no number.
    const plain = await runInChild(job(hashLinkList, 'fillrandom', { writers: 2, repeat: 1 }));
    expect(plain).toMatchObject({
      ok: false,
      error: expect.stringMatching(/cannot take writes from worker threads/),
    });
  }, 120_000);
});
