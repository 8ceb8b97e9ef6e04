export { EDGE_BYTES, keyArbitrary } from './checks/properties.js';
export {
  compareKeys,
  type ModelBatchOp,
  ModelCursor,
  type ModelEntry,
  ModelError,
  type ModelRangeTombstone,
  TableModel,
} from './model.js';
export type {
  CheckContext,
  ConformanceCheck,
  ConformanceOptions,
  ConformanceTable,
  ShareTarget,
  SmallArenaOptions,
} from './options.js';
export { ReferenceTable } from './reference.js';
export {
  type CheckResult,
  checkContext,
  conformanceChecks,
  runConformanceChecks,
  runTableConformance,
} from './suite.js';
export {
  bytes,
  cursorLines,
  entryLine,
  expectFailure,
  expectRejected,
  hex,
  hexKeys,
  hexPairs,
  rangeTombstoneLine,
  rangeTombstoneLines,
  seededBytes,
  type TableState,
  tableState,
  traceFreedShapeDeopts,
  utf8,
} from './support.js';
