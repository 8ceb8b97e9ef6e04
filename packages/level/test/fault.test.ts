import { FaultFileSystem } from '@memrep/wal/testing';
import { describe, expect, it } from 'vitest';
import { MemrepLevel } from '../src/index.js';

const DIR = '/db';
const WRITES = 48;
const key = (i: number) => `k${String(i % 12).padStart(2, '0')}`;

/** Write i: a delete every fifth, else a put; every other one with sync: true. */
function apply(model: Map<string, string>, i: number): void {
  if (i % 5 === 4) model.delete(key(i));
  else model.set(key(i), `v${i}`);
}

/** The model after each prefix of the writes: states[m] is after the first m. */
const states: string[] = [];
{
  const model = new Map<string, string>();
  states.push(JSON.stringify([]));
  for (let i = 0; i < WRITES; i++) {
    apply(model, i);
    states.push(JSON.stringify([...model].sort(([a], [b]) => (a < b ? -1 : 1))));
  }
}

function open(fs: FaultFileSystem): MemrepLevel {
  // A write buffer of a few writes: the run checkpoints and merges runs many times.
  return new MemrepLevel(DIR, { fs, writeBufferSize: 160 });
}

/** Runs the workload until done or the simulated crash; returns how many writes it acknowledged. */
async function workload(fs: FaultFileSystem): Promise<{ acked: number; syncAcked: number }> {
  let acked = 0;
  let syncAcked = 0;
  const db = open(fs);
  try {
    await db.open();
    for (let i = 0; i < WRITES; i++) {
      const sync = i % 2 === 0;
      if (i % 5 === 4) await db.del(key(i), { sync } as never);
      else await db.put(key(i), `v${i}`, { sync } as never);
      acked = i + 1;
      if (sync) syncAcked = i + 1;
    }
    await db.close();
  } catch {
    // The crash: every operation from it on fails.
  }
  return { acked, syncAcked };
}

async function recovered(fs: FaultFileSystem): Promise<string> {
  const db = open(fs);
  await db.open();
  const state = JSON.stringify(await db.iterator().all());
  // The database takes writes again (a flush during recovery failing would refuse them).
  for (let i = 0; i < 8; i++) await db.put(`after-${i}`, 'x'.repeat(40));
  await db.close();
  return state;
}

describe('fault injection under the log and the checkpoints', () => {
  it('a crash at every write, sync, rename and unlink: every synced write is there and the state is a prefix', async () => {
    const probe = new FaultFileSystem();
    await workload(probe);
    const total = probe.ops;
    expect(probe.history).toContain('rename');
    expect(total).toBeGreaterThan(100);
    let checked = 0;
    let lostSynced = 0;
    for (let k = 1; k <= total; k++) {
      const fs = new FaultFileSystem();
      fs.crashAt = k;
      const { acked, syncAcked } = await workload(fs);
      // Power loss (only synced bytes and synced directory entries survive) and a process
      // crash (everything handed to the OS survives).
      for (const [name, crashed, least] of [
        ['power loss', fs.crash(), syncAcked],
        ['process crash', fs.crash({ keepUnsynced: (_, n) => n, keepDirOps: true }), acked],
      ] as const) {
        const state = await recovered(crashed);
        const m = states.indexOf(state, least);
        if (m < 0) lostSynced++;
        expect(
          m,
          `crash at op ${k} (${fs.history[k - 1]}), ${name}: ${state}`,
        ).toBeGreaterThanOrEqual(least);
        checked++;
      }
    }
    expect(lostSynced).toBe(0);
    expect(checked).toBe(total * 2);
  }, 120_000);
});
