import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types (also run alone for the long loop).
import { killLoop } from '../scripts/kill-loop.mjs';

describe('kill -9 loop (the short one; scripts/kill-loop.mjs runs 200 rounds)', () => {
  it('every write acknowledged with sync: true survives SIGKILL, and every reopen succeeds', async () => {
    const result = await killLoop({ rounds: 20 });
    expect(result.reopens).toBe(20);
    // Each round killed while writing was killed after at least one acknowledged write of
    // its own (keys name their round): a count that does not depend on the machine's speed.
    expect(result.acknowledged).toBeGreaterThanOrEqual(result.writingRounds);
    expect(result.writingRounds).toBe(18);
    expect(result.lost).toBe(0);
  }, 180_000);
});
