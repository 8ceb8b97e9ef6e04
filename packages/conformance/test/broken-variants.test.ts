import { describe, expect, it } from 'vitest';
import { type CheckResult, runConformanceChecks } from '../src/index.js';
import { brokenVariants } from './fixtures/broken-tables.js';

// The suite proves itself twice: ReferenceTable passes every check (reference.test.ts), and each
// deliberately broken variant fails. For each variant this pins the example checks that must
// catch it and whether the model-based properties catch it too (a corner no generator reaches,
// such as buffer ownership, is pinned by examples only).
const catches: Record<string, { examples: string[]; properties: boolean }> = {
  'ignores the snapshot': {
    examples: [
      'a tombstone hides older versions at every snapshot',
      'every read takes a snapshot: get, has, find, range, keys, values, prefix and cursor',
      'a cursor with a snapshot skips entries above it in every direction',
      'an iterator given an older snapshot yields that snapshot while writes go on',
    ],
    properties: true,
  },
  'returns tombstoned values': {
    examples: [
      'a tombstone hides older versions at every snapshot',
      'delete writes a tombstone, also for a key never written',
    ],
    properties: true,
  },
  'ignores reverse': {
    examples: ['reverse yields the same live keys and newest values in reverse order'],
    properties: true,
  },
  'treats exclusive bounds as inclusive': {
    examples: [
      'every combination of lower and upper bound yields exactly the keys between them',
      'an empty or inverted range yields nothing',
    ],
    properties: true,
  },
  'treats a negative limit as zero': {
    examples: ['limit 0 yields nothing, n yields the first n, and a negative limit means no limit'],
    properties: true,
  },
  'prefix ignores bounds': {
    examples: ['prefix combined with bounds yields their intersection'],
    properties: true,
  },
  'allows a duplicate (key, seq)': {
    examples: [
      'writing a (key, seq) pair already held throws MEMREP_DUPLICATE_SEQ and changes nothing',
    ],
    properties: true,
  },
  "keeps the caller's value buffer": {
    examples: ['the caller may reuse its key and value buffers after a write'],
    properties: false,
  },
  'reuses one buffer for every get': {
    examples: ['keys and values handed out stay valid and unchanged as the arena grows many times'],
    properties: false,
  },
  'copies every value get hands out': {
    examples: ['keys and values handed out are views of the table memory, not copies'],
    properties: false,
  },
  'declares share: true but cannot share': {
    examples: ['the table declares the capabilities the suite was given'],
    properties: false,
  },
  'pins iterators at their first next()': {
    examples: ['an iterator pins its snapshot when it is created, before its first next()'],
    properties: true,
  },
  'rejects the empty key': {
    examples: ['the empty key is a valid key and sorts first'],
    properties: true,
  },
  'keeps writing after freeze': {
    examples: ['after freeze, put and delete throw MEMREP_FROZEN and change nothing'],
    properties: false,
  },
  'counts writes that failed with MEMREP_ARENA_FULL': {
    examples: [
      "a write past the arena's maxSize throws MEMREP_ARENA_FULL and changes nothing",
      'a value larger than maxSize throws MEMREP_ARENA_FULL on an empty table',
    ],
    properties: false,
  },
  'reports the latest seq as lastSeq': {
    examples: [
      'explicit seqs may come in any order; the largest seq wins, not the latest write',
      'a read without a snapshot sees everything written so far, explicit low seqs included',
    ],
    properties: true,
  },
  'counts only keys in dataSize': {
    examples: [
      'count includes every version and tombstone; dataSize sums their key and value lengths',
    ],
    properties: true,
  },
  "lands seekForPrev on the key's newest version": {
    examples: ["seekForPrev lands on the last entry whose key <= key: that key's oldest version"],
    properties: true,
  },
  'reads an invalid cursor as undefined': {
    examples: ['a new cursor is unpositioned and reading its entry throws MEMREP_INVALID_CURSOR'],
    properties: true,
  },
  'shares while declaring share: false': {
    examples: ['share, declared absent, throws MEMREP_UNSUPPORTED, before and after freeze'],
    properties: false,
  },
  'orders range reads by signed bytes': {
    examples: ['range yields live keys in key order with their newest values'],
    properties: true,
  },
  'half applies a batch that fails with MEMREP_ARENA_FULL': {
    examples: [
      "a batch too large for the arena's room throws MEMREP_ARENA_FULL and writes none of it; a smaller one then fits",
      'a batch holding a (key, seq) pair already held throws MEMREP_DUPLICATE_SEQ and writes none of it',
      'a batch with a key or value past a limit throws MEMREP_LIMIT_EXCEEDED and writes none of it',
    ],
    properties: true,
  },
  'lets a range tombstone hide newer entries': {
    examples: [
      'an entry with a seq above the range tombstone is not hidden; one below it is, whenever it was written',
      'overlapping range tombstones: the highest seq visible at the snapshot that covers a key decides',
    ],
    properties: true,
  },
  'lets a range tombstone leak onto its end key': {
    examples: [
      'deleteRange hides the keys in [start, end) below its seq, from its seq on; start is in, end is out',
    ],
    properties: true,
  },
  'writes part of a copy into a target too small': {
    examples: [
      'copyKey and copyValue into a target too small are a RangeError MEMREP_INVALID_ARGUMENT that writes nothing',
    ],
    properties: false,
  },
  'skips covered point entries in the cursor': {
    examples: ['a cursor walks every point entry under a range tombstone, at every snapshot'],
    properties: true,
  },
};

function failures(results: CheckResult[]): { examples: string[]; properties: string[] } {
  const failed = results.filter((r) => !r.passed).map((r) => r.check);
  return {
    examples: failed.filter((c) => c.group !== 'model-based properties').map((c) => c.name),
    properties: failed.filter((c) => c.group === 'model-based properties').map((c) => c.name),
  };
}

describe('the suite catches broken backends', () => {
  it('names an expectation for every broken variant', () => {
    expect(Object.keys(catches).sort()).toEqual(brokenVariants.map((v) => v.name).sort());
  });

  for (const variant of brokenVariants) {
    it(`fails a backend that ${variant.name}`, async () => {
      const results = await runConformanceChecks({
        name: variant.name,
        create: variant.create,
        supports: { share: false },
      });
      const failed = failures(results);
      const expected = catches[variant.name];
      expect(failed.examples).toEqual(expect.arrayContaining(expected.examples));
      expect(
        failed.properties.length > 0,
        `properties caught: ${failed.properties.join('; ')}`,
      ).toBe(expected.properties);
    });
  }
});
