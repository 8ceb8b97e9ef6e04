import { describe, expect, it } from 'vitest';
import { interleave } from '../src/loops-sync.js';
import type { SyncInstance } from '../src/systems/types.js';

/** Records the puts and ranges interleave makes; each range reads one 3-byte entry. */
function recorder(): SyncInstance & { calls: string[] } {
  const calls: string[] = [];
  return {
    async: false,
    calls,
    put: (key) => void calls.push(`put ${key[0]}`),
    get: () => undefined,
    rangeFrom: (key, limit) => {
      calls.push(`range ${key[0]} ${limit}`);
      return 3;
    },
  };
}

describe('interleave', () => {
  const fresh = { bytes: Uint8Array.from({ length: 200 }, (_, i) => i), size: 1 };
  const keys = { bytes: Uint8Array.of(50, 60, 70), size: 1 };
  const order = Uint32Array.from({ length: 200 }, (_, i) => i % 3);
  const values = [Uint8Array.of(1)];

  it('puts new key i, then ranges from key order[i], round after round', () => {
    const inst = recorder();
    const progress = { rounds: 0 };
    const sum = interleave(inst, fresh, keys, order, 3, values, 10, Infinity, progress);
    expect(inst.calls).toEqual([
      'put 0',
      'range 50 10',
      'put 1',
      'range 60 10',
      'put 2',
      'range 70 10',
    ]);
    expect(sum).toBe(9);
    expect(progress.rounds).toBe(3);
  });

  it('stops at the first look at the clock past its budget, saying how many rounds it did', () => {
    const inst = recorder();
    const progress = { rounds: 0 };
    const sum = interleave(inst, fresh, keys, order, 200, values, 10, 0, progress);
    expect(progress.rounds).toBe(1);
    expect(sum).toBe(3);
    expect(inst.calls).toHaveLength(2);
    // One read for the deadline, one per round for 64 rounds, then every 64th round only.
    const slow = recorder();
    let calls = 0;
    const clock = performance.now;
    performance.now = () => (++calls > 65 ? Infinity : clock.call(performance));
    try {
      interleave(slow, fresh, keys, order, 200, values, 10, 1e9, progress);
    } finally {
      performance.now = clock;
    }
    expect(progress.rounds).toBe(128);
  });
});
