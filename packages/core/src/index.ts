export * from './arena.js';
export * from './attach.js';
export * from './bytes.js';
export * from './entry.js';
export * from './errors.js';
export * from './table-base.js';
export type * from './types.js';
export * from './validate.js';
