import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Arena,
  compareBytes,
  entryKey,
  entrySeq,
  MergingCursor,
  type RawCursor,
  searchEntries,
  writeEntry,
} from '../src/backend.js';

/** A sorted run of entries in an arena of its own: the simplest RawCursor. */
class RunCursor implements RawCursor {
  entry = 0;
  readonly arena = new Arena({ blockSize: 4096 });
  readonly run: Int32Array;
  #i = -1;

  constructor(entries: readonly [Uint8Array, number][]) {
    const sorted = [...entries].sort(([a, s], [b, t]) => compareBytes(a, b) || t - s);
    this.run = Int32Array.from(sorted, ([key, seq]) => writeEntry(this.arena, 0, key, key, seq));
  }
  first() {
    this.#at(0);
  }
  last() {
    this.#at(this.run.length - 1);
  }
  seek(key: Uint8Array, seq: number) {
    this.#at(this.#search(key, seq, false));
  }
  seekForPrev(key: Uint8Array, seq: number) {
    this.#at(this.#search(key, seq, true) - 1);
  }
  next() {
    if (this.entry !== 0) this.#at(this.#i + 1);
  }
  prev() {
    if (this.entry !== 0) this.#at(this.#i - 1);
  }
  #search(key: Uint8Array, seq: number, after: boolean) {
    const { bytes, i32, f64 } = this.arena;
    const n = this.run.length;
    return searchEntries(bytes, i32, f64, this.run, 0, n, key, 0, key.length, seq, after);
  }
  #at(i: number) {
    this.#i = i >= 0 && i < this.run.length ? i : -1;
    this.entry = this.#i < 0 ? 0 : this.run[this.#i];
  }
}

const line = (c: RawCursor) =>
  `${Buffer.from(entryKey(c.arena, c.entry)).toString('hex')}@${entrySeq(c.arena.f64, c.entry)}`;
const key = fc.uint8Array({ maxLength: 6 }).map((k) => k.map((b) => b % 4));
/** Entries with distinct seqs, dealt to up to four children (each its own arena). */
const children = fc.array(fc.tuple(key, fc.nat(3)), { maxLength: 40 }).map((entries) => {
  const dealt: [Uint8Array, number][][] = [[], [], [], []];
  for (const [seq, [k, child]] of entries.entries()) dealt[child].push([k, seq]);
  return { all: entries.map(([k], seq) => [k, seq] as [Uint8Array, number]), dealt };
});

function modelLines(all: [Uint8Array, number][]): string[] {
  return [...all]
    .sort(([a, s], [b, t]) => compareBytes(a, b) || t - s)
    .map(([k, s]) => `${Buffer.from(k).toString('hex')}@${s}`);
}

describe('MergingCursor', () => {
  it('walks children in different arenas in internal order, both ways, same keys across children included', () => {
    fc.assert(
      fc.property(children, ({ all, dealt }) => {
        const merge = MergingCursor.of(
          dealt.map((d) => new RunCursor(d)),
          new Arena(),
        );
        const want = modelLines(all);
        const forward: string[] = [];
        for (merge.first(); merge.entry !== 0; merge.next()) forward.push(line(merge));
        const backward: string[] = [];
        for (merge.last(); merge.entry !== 0; merge.prev()) backward.push(line(merge));
        expect(forward).toEqual(want);
        expect(backward).toEqual([...want].reverse());
      }),
    );
  });

  it('seeks, seeks for prev and switches direction in the middle of a walk like the model', () => {
    fc.assert(
      fc.property(
        children,
        key,
        fc.nat(45),
        fc.array(fc.boolean(), { maxLength: 12 }),
        ({ all, dealt }, k, seq, steps) => {
          const merge = MergingCursor.of(
            dealt.map((d) => new RunCursor(d)),
            new Arena(),
          );
          const sorted = [...all].sort(([a, s], [b, t]) => compareBytes(a, b) || t - s);
          const want = modelLines(all);
          const at = (forward: boolean) => {
            const first = sorted.findIndex(
              ([a, s]) => compareBytes(a, k) > 0 || (compareBytes(a, k) === 0 && s <= seq),
            );
            const lower = first < 0 ? sorted.length : first;
            if (forward) return lower;
            const exact =
              lower < sorted.length &&
              compareBytes(sorted[lower][0], k) === 0 &&
              sorted[lower][1] === seq;
            return exact ? lower : lower - 1;
          };
          for (const forward of [true, false]) {
            if (forward) merge.seek(k, seq);
            else merge.seekForPrev(k, seq);
            let i = at(forward);
            for (const step of steps) {
              expect(merge.entry === 0 ? undefined : line(merge)).toBe(
                i >= 0 && i < want.length ? want[i] : undefined,
              );
              if (merge.entry === 0) break;
              if (step) {
                merge.next();
                i++;
              } else {
                merge.prev();
                i--;
              }
            }
          }
        },
      ),
    );
  });

  it('reports the current child arena, and the given one while unpositioned', () => {
    const a = new RunCursor([[Uint8Array.of(1), 5]]);
    const b = new RunCursor([[Uint8Array.of(2), 4]]);
    const none = new Arena();
    const merge = MergingCursor.of([a, b], none);
    expect(merge.arena).toBe(none);
    merge.first();
    expect(merge.arena).toBe(a.arena);
    merge.next();
    expect(merge.arena).toBe(b.arena);
    merge.next();
    expect(merge.entry).toBe(0);
    expect(merge.arena).toBe(none);
  });

  it('re-positions every child around the current entry when its source says they changed', () => {
    const grown: [Uint8Array, number][] = [
      [Uint8Array.of(1), 1],
      [Uint8Array.of(5), 2],
    ];
    let child = new RunCursor(grown);
    let changed = false;
    const merge = new MergingCursor(
      { children: () => [child], changed: () => changed },
      new Arena(),
    );
    merge.first();
    expect(line(merge)).toBe('01@1');
    // A write behind the cursor's position lands; the source says so and hands a new child.
    child = new RunCursor([...grown, [Uint8Array.of(3), 3]]);
    changed = true;
    merge.next();
    changed = false;
    expect(line(merge)).toBe('03@3');
    merge.next();
    expect(line(merge)).toBe('05@2');
  });
});
