import type { Table, TableMut } from '@memrep/core';
import { FragmentedRangeTombstones } from '@memrep/core/backend';
import { MergedTables } from '@memrep/lsm';

/** Stands for a range tombstone's version of a key while choosing which versions to keep. */
const COVERED = new Uint8Array(0);

/**
 * Merges sorted runs (newest first, adjacent in the database's list) into `out`, keeping of
 * each key only the versions a reader can still see: the newest one, and for each pinned
 * snapshot the newest version at or below it. When the merge reaches the bottom (no older run
 * holds data), tombstones left with nothing older to hide are dropped too.
 *
 * A range tombstone counts, for each key it covers, as a tombstone version at its seq: versions
 * it hides from every reader are dropped like versions a point tombstone hides. The range
 * tombstones themselves are carried over, unless the merge is the bottom and no snapshot is
 * pinned (nothing is left for them to hide then).
 *
 * REQUIRES: `pins` sorted descending; the runs take no more writes.
 * Returns the number of entries (and range tombstones) written to `out`.
 */
export function mergeTables(
  run: readonly Table[],
  out: TableMut,
  pins: readonly number[],
  bottom: boolean,
): number {
  const merged = new MergedTables(run);
  const ranges = merged.rangeTombstones(Number.MAX_SAFE_INTEGER);
  const coverage = ranges.length > 0 ? new FragmentedRangeTombstones(ranges) : null;
  let written = 0;
  if (coverage !== null && !(bottom && pins.length === 0)) {
    for (const t of coverage.tombstones) {
      out.deleteRange(t.start, t.end, t.seq);
      written++;
    }
  }
  const cursor = merged.cursor();
  const seqs: number[] = [];
  const values: (Uint8Array | undefined)[] = [];
  const kept: number[] = [];
  cursor.first();
  while (cursor.valid) {
    // Internal order: a key's versions come together, seq descending.
    const key = cursor.key;
    seqs.length = 0;
    values.length = 0;
    do {
      seqs.push(cursor.seq);
      values.push(cursor.kind === 'put' ? cursor.value : undefined);
      cursor.next();
    } while (cursor.valid && cursor.compareKey(key) === 0);
    if (coverage !== null) addCoveringVersions(coverage, key, seqs, values);
    // A version is needed by the newest reader (the first one) or by a pinned snapshot that
    // lies at or above it and below the next newer version.
    kept.length = 0;
    let p = 0;
    let newer = Number.POSITIVE_INFINITY;
    for (let j = 0; j < seqs.length; j++) {
      const seq = seqs[j];
      while (p < pins.length && pins[p] >= newer) p++;
      if (j === 0 || (p < pins.length && pins[p] >= seq)) kept.push(j);
      newer = seq;
    }
    if (bottom) {
      while (kept.length > 0) {
        const last = values[kept[kept.length - 1]];
        if (last !== undefined && last !== COVERED) break;
        kept.pop();
      }
    }
    for (let j = 0; j < kept.length; j++) {
      const v = kept[j];
      const value = values[v];
      if (value === COVERED) continue;
      if (value === undefined) out.delete(key, seqs[v]);
      else out.put(key, value, seqs[v]);
      written++;
    }
  }
  return written;
}

/**
 * Inserts, into a key's versions (seq descending), a tombstone-like version at the seq of each
 * range tombstone covering `key`, so that the kept-version rule treats it as a point tombstone.
 */
function addCoveringVersions(
  coverage: FragmentedRangeTombstones,
  key: Uint8Array,
  seqs: number[],
  values: (Uint8Array | undefined)[],
): void {
  let below = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const t = coverage.coveringSeq(key, 0, key.length, below);
    if (t < 0) return;
    let at = 0;
    while (at < seqs.length && seqs[at] > t) at++;
    seqs.splice(at, 0, t);
    values.splice(at, 0, COVERED);
    below = t - 1;
  }
}
