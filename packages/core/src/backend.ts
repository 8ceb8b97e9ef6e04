/**
 * The backend kit: what a backend author builds a table from (the arena, the entry layout,
 * the table base and its raw cursor, compare kernels, validation). A user's contract is the
 * package root, `@memrep/core`; this subpath is `@memrep/core/backend`.
 */
export * from './arena.js';
export * from './attach.js';
export * from './bytes.js';
export * from './entry.js';
export * from './errors.js';
export * from './merging-cursor.js';
export type * from './raw-cursor.js';
export * from './table-base.js';
export type * from './types.js';
export * from './validate.js';
export * from './write-batch.js';
