/**
 * Every error memrep throws on purpose carries a string `code` starting with `MEMREP_`.
 * Argument errors are `TypeError`s, limit errors are `RangeError`s, state errors are
 * `MemrepError`s; all are thrown before the table changes.
 */
export type MemrepErrorCode =
  | 'MEMREP_INVALID_ARGUMENT'
  | 'MEMREP_LIMIT_EXCEEDED'
  | 'MEMREP_DUPLICATE_SEQ'
  | 'MEMREP_FROZEN'
  | 'MEMREP_ARENA_FULL'
  | 'MEMREP_READ_ONLY'
  | 'MEMREP_INVALID_CURSOR'
  | 'MEMREP_UNSUPPORTED'
  /** Bytes read back (a batch, a log record, a checkpoint) are not what was written. */
  | 'MEMREP_CORRUPTION'
  /** A file-system operation failed; the message names it and the path. */
  | 'MEMREP_IO'
  /** The log, list or database was closed. */
  | 'MEMREP_CLOSED'
  /** Another open holds the directory's lock. */
  | 'MEMREP_LOCKED'
  /** The location exists and `errorIfExists` was set. */
  | 'MEMREP_EXISTS'
  /** The location does not exist and `createIfMissing` was false. */
  | 'MEMREP_NOT_FOUND';

/** A state error: the operation is not allowed on this table as it is now. */
export class MemrepError extends Error {
  readonly code: MemrepErrorCode;
  constructor(code: MemrepErrorCode, message: string) {
    super(message);
    this.name = 'MemrepError';
    this.code = code;
  }
}

/** A bad argument: wrong type, conflicting options. Code `MEMREP_INVALID_ARGUMENT`. */
export class MemrepTypeError extends TypeError {
  readonly code: MemrepErrorCode;
  constructor(message: string, code: MemrepErrorCode = 'MEMREP_INVALID_ARGUMENT') {
    super(message);
    this.name = 'MemrepTypeError';
    this.code = code;
  }
}

/** A value outside what a limit allows. Code `MEMREP_LIMIT_EXCEEDED` unless stated. */
export class MemrepRangeError extends RangeError {
  readonly code: MemrepErrorCode;
  constructor(message: string, code: MemrepErrorCode = 'MEMREP_LIMIT_EXCEEDED') {
    super(message);
    this.name = 'MemrepRangeError';
    this.code = code;
  }
}

/** True for any error memrep threw on purpose. */
export function isMemrepError(
  error: unknown,
): error is MemrepError | MemrepTypeError | MemrepRangeError {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('MEMREP_');
}

export function invalidArgument(message: string): MemrepTypeError {
  return new MemrepTypeError(message, 'MEMREP_INVALID_ARGUMENT');
}

export function limitExceeded(limit: string, value: number, actual: number): MemrepRangeError {
  return new MemrepRangeError(
    `${limit} is ${value}; got ${actual}. Raise the ${limit} option to allow it.`,
    'MEMREP_LIMIT_EXCEEDED',
  );
}

/** A `(key, seq)` pair already held. */
export function duplicateSeqError(key: Uint8Array, seq: number): MemrepError {
  return new MemrepError(
    'MEMREP_DUPLICATE_SEQ',
    `an entry for this key (${key.length} bytes) with seq ${seq} is already held; ` +
      'a (key, seq) pair is written once',
  );
}

/** A capability this table does not have. */
export function unsupported(what: string): MemrepError {
  return new MemrepError('MEMREP_UNSUPPORTED', what);
}

/** A write (or `what`) through an attached read-only table. */
export function readOnlyError(what: string): MemrepError {
  return new MemrepError(
    'MEMREP_READ_ONLY',
    `cannot ${what}: this table is a read-only view attached from another thread`,
  );
}

/** A write to a frozen table. */
export function frozenError(): MemrepError {
  return new MemrepError('MEMREP_FROZEN', 'the table is frozen: it takes no more writes');
}

/**
 * A write without an explicit seq (or a batch) that needs seqs past 2^53 - 1: the table's
 * `lastSeq` is at the top of the range, so there is no next seq to give.
 */
export function seqsExhausted(lastSeq: number, needed: number): MemrepRangeError {
  return new MemrepRangeError(
    `the table's seqs are exhausted: lastSeq is ${lastSeq} and this write needs ${needed} ` +
      `more seq${needed === 1 ? '' : 's'}, past the largest, 2^53 - 1; write with explicit ` +
      'seqs below lastSeq, or start a new table',
    'MEMREP_LIMIT_EXCEEDED',
  );
}
