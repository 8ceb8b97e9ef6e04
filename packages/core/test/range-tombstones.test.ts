import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes, FragmentedRangeTombstones, type RangeTombstone } from '../src/backend.js';

const keyArb = fc
  .array(fc.constantFrom(0x00, 0x01, 0x7f, 0xff), { maxLength: 4 })
  .map((b) => Uint8Array.from(b));

/** Keys that mostly share a leading part of `key`, then differ in up to six bytes: bounds with long common prefixes, and keys that share part of it. */
const prefixedKeyArb = fc
  .tuple(
    fc.constantFrom(0, 1, 2, 3, 3, 3),
    fc.array(fc.constantFrom(0x00, 0x01, 0x30, 0x31, 0xff), { maxLength: 6 }),
  )
  .map(([shared, rest]) => Uint8Array.from([...[0x6b, 0x65, 0x79].slice(0, shared), ...rest]));

const tombstonesOf = (keys: fc.Arbitrary<Uint8Array>): fc.Arbitrary<RangeTombstone> =>
  fc
    .tuple(keys, keys, fc.integer({ min: 0, max: 20 }))
    .filter(([a, b]) => compareBytes(a, b) !== 0)
    .map(([a, b, seq]) =>
      compareBytes(a, b) < 0 ? { start: a, end: b, seq } : { start: b, end: a, seq },
    );

/** The obvious answer: the highest seq <= snapshot of a tombstone whose [start, end) holds key. */
function bruteForce(list: RangeTombstone[], key: Uint8Array, snapshot: number): number {
  let best = -1;
  for (const t of list) {
    const inside = compareBytes(t.start, key) <= 0 && compareBytes(key, t.end) < 0;
    if (inside && t.seq <= snapshot && t.seq > best) best = t.seq;
  }
  return best;
}

describe('FragmentedRangeTombstones', () => {
  it.each([
    ['short keys', keyArb],
    ['keys sharing long prefixes', prefixedKeyArb],
  ])(
    'answers the highest covering seq at every snapshot, as a scan of every tombstone does (%s)',
    (_, keys) => {
      fc.assert(
        fc.property(
          fc.array(tombstonesOf(keys), { maxLength: 12 }),
          fc.array(keys, { minLength: 1, maxLength: 12 }),
          (list, keys) => {
            const fragments = new FragmentedRangeTombstones(list);
            for (const key of [...keys, ...list.flatMap((t) => [t.start, t.end])]) {
              const padded = new Uint8Array(key.length + 3);
              padded.set(key, 2);
              for (let snapshot = -1; snapshot <= 21; snapshot++) {
                expect(fragments.coveringSeq(padded, 2, key.length, snapshot)).toBe(
                  bruteForce(list, key, snapshot),
                );
              }
            }
          },
        ),
      );
    },
  );

  it('answers as a scan does over hundreds of fragments, many to a first-level bucket (digit keys) and about one (random bytes)', () => {
    const digits = fc
      .array(fc.integer({ min: 0x30, max: 0x39 }), { minLength: 1, maxLength: 7 })
      .map((b) => Uint8Array.from([0x6b, 0x2d, ...b]));
    const random = fc.uint8Array({ minLength: 1, maxLength: 6 });
    for (const keys of [digits, random]) {
      fc.assert(
        fc.property(
          fc.array(tombstonesOf(keys), { minLength: 100, maxLength: 300 }),
          fc.array(keys, { minLength: 50, maxLength: 100 }),
          (list, probes) => {
            const fragments = new FragmentedRangeTombstones(list);
            for (const key of [...probes, ...list.flatMap((t) => [t.start, t.end])]) {
              for (const snapshot of [-1, 5, 10, 21]) {
                expect(fragments.coveringSeq(key, 0, key.length, snapshot)).toBe(
                  bruteForce(list, key, snapshot),
                );
              }
            }
          },
        ),
        { numRuns: 40 },
      );
    }
  });

  it('cuts overlapping tombstones into non-overlapping fragments and lists them by start, then seq descending', () => {
    const t = (start: string, end: string, seq: number): RangeTombstone => ({
      start: new TextEncoder().encode(start),
      end: new TextEncoder().encode(end),
      seq,
    });
    const fragments = new FragmentedRangeTombstones([
      t('c', 'g', 5),
      t('a', 'e', 9),
      t('c', 'd', 7),
    ]);
    expect(fragments.count).toBe(3);
    expect(fragments.fragmentCount).toBe(4);
    expect(fragments.tombstones.map((x) => x.seq)).toEqual([9, 7, 5]);
    const at = (key: string, snapshot: number) => {
      const bytes = new TextEncoder().encode(key);
      return fragments.coveringSeq(bytes, 0, bytes.length, snapshot);
    };
    expect([at('a', 20), at('c', 20), at('c', 8), at('c', 6), at('e', 20), at('g', 20)]).toEqual([
      9, 9, 7, 5, 5, -1,
    ]);
    expect(new FragmentedRangeTombstones([]).coveringSeq(new Uint8Array(0), 0, 0, 5)).toBe(-1);
  });
});
