import { describe, expect, it } from 'vitest';
import { normalizeRange, resolveSnapshot } from '../src/validate.js';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

describe('a range limit is validated as a snapshot is', () => {
  it('takes integers and Infinity as they are; a negative one, or -Infinity, means no limit', () => {
    expect(normalizeRange({ limit: 3 }, 0).limit).toBe(3);
    expect(normalizeRange({ limit: 0 }, 0).limit).toBe(0);
    expect(normalizeRange({ limit: 2 ** 53 }, 0).limit).toBe(2 ** 53);
    expect(normalizeRange({ limit: Number.POSITIVE_INFINITY }, 0).limit).toBe(
      Number.POSITIVE_INFINITY,
    );
    for (const limit of [-1, -7, Number.NEGATIVE_INFINITY]) {
      expect(normalizeRange({ limit }, 0).limit).toBe(Number.POSITIVE_INFINITY);
    }
  });

  it('rejects a fractional limit with MEMREP_INVALID_ARGUMENT, as it rejects a fractional snapshot', () => {
    for (const limit of [1.5, 0.5, -0.5, -2.25, Number.MIN_VALUE, Number.NaN]) {
      const error = thrown(() => normalizeRange({ limit }, 0));
      expect(error).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({ code: 'MEMREP_INVALID_ARGUMENT' });
      expect((error as Error).message).toMatch(/^limit must be an integer/);
    }
    const snapshot = thrown(() => resolveSnapshot({ snapshot: 1.5 }, 0));
    expect(snapshot).toBeInstanceOf(TypeError);
    expect(snapshot).toMatchObject({ code: 'MEMREP_INVALID_ARGUMENT' });
  });
});
