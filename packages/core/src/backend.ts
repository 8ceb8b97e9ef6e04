/**
 * The backend kit: what a backend author builds a table from (the arena, the entry layout,
 * the table base and its raw cursor, compare kernels, validation). A user's contract is the
 * package root, `@memrep/core`; this subpath is `@memrep/core/backend`.
 *
 * The visibility layer (`VisibleIterator`: newest visible version per key, snapshot, point and
 * range tombstones, bounds, limit) and the snapshot cursor (`SnapshotCursor`) run over any
 * `RawCursor`, reading each entry from the cursor's `arena`. A read over several tables
 * (`@memrep/lsm`) gives `VisibleIterator` a raw cursor that merges the tables' raw cursors in
 * internal order and a `RangeTombstoneCoverage` answering the highest covering seq over all of
 * them (each table's from `TableBase.rangeTombstoneCoverage()`, or a
 * `FragmentedRangeTombstones` built from its `rangeTombstones()`); see visibility.ts.
 */
export * from './arena.js';
export * from './attach.js';
export * from './bytes.js';
export * from './entry.js';
export * from './errors.js';
export * from './range-tombstones.js';
export type * from './raw-cursor.js';
export * from './snapshot-cursor.js';
export * from './table-base.js';
export * from './table-meta.js';
export * from './validate.js';
export * from './visibility.js';
export * from './write-batch.js';
