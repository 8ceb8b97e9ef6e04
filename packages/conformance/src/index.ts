export { EDGE_BYTES, keyArbitrary } from './checks/properties.js';
export {
  runConcurrentWriters,
  type WritersOutcome,
  type WritersRun,
} from './checks/share.js';
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
  checkFreedShapeControl,
  cursorLines,
  type ErrorClass,
  entryLine,
  expectFailure,
  expectRejected,
  FREED_SHAPE_CONTROL,
  freedShapeDeopts,
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
