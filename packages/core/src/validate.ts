import { compareBytes, prefixSuccessor } from './bytes.js';
import { MAX_KEY_LENGTH, MAX_VALUE_LENGTH, SEQ_LIMIT } from './entry.js';
import { invalidArgument, limitExceeded } from './errors.js';
import type { RangeOptions, ReadOptions, TableOptions } from './types.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  if (typeof value === 'string') return `string ${JSON.stringify(value.slice(0, 20))}`;
  return `${typeof value} ${String(value)}`;
}

/** Throws `MEMREP_INVALID_ARGUMENT` unless `value` is a Uint8Array (a Buffer is one). */
export function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw invalidArgument(`${name} must be a Uint8Array (a Buffer is one); got ${describe(value)}`);
  }
}

/** Throws `MEMREP_INVALID_ARGUMENT` unless `seq` is an integer in [0, 2^53). */
export function assertSeq(seq: unknown, name = 'seq'): asserts seq is number {
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || seq >= SEQ_LIMIT) {
    throw invalidArgument(`${name} must be an integer in [0, 2^53); got ${describe(seq)}`);
  }
}

function assertOptionsObject(options: unknown, name: string): void {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw invalidArgument(`${name} must be an object or undefined; got ${describe(options)}`);
  }
}

/**
 * The snapshot a read uses: `options.snapshot`, else `lastSeq`. A snapshot is a seq, so the
 * same domain; -1 is accepted too (it sees nothing, like an empty table's lastSeq).
 */
export function resolveSnapshot(options: ReadOptions | undefined, lastSeq: number): number {
  if (options === undefined) return lastSeq;
  assertOptionsObject(options, 'options');
  const snapshot = options.snapshot;
  if (snapshot === undefined) return lastSeq;
  if (snapshot !== -1) assertSeq(snapshot, 'snapshot');
  return snapshot;
}

/** Resolved table limits, checked once at construction. */
export interface TableLimits {
  /** Longest key accepted, in bytes. */
  maxKeySize: number;
  /** Longest value accepted, in bytes. */
  maxValueSize: number;
}

/**
 * The limits of `options` with their defaults (`maxKeySize` 2^26 - 1, `maxValueSize` 1 GiB).
 * Throws `MEMREP_INVALID_ARGUMENT` for options that are not an object or a limit that is not
 * an integer in [0, the most the entry header holds].
 */
export function resolveLimits(options: TableOptions | undefined): TableLimits {
  assertOptionsObject(options, 'options');
  const maxKeySize = options?.maxKeySize ?? MAX_KEY_LENGTH;
  const maxValueSize = options?.maxValueSize ?? 2 ** 30;
  if (!Number.isInteger(maxKeySize) || maxKeySize < 0 || maxKeySize > MAX_KEY_LENGTH) {
    throw invalidArgument(
      `maxKeySize must be an integer in [0, ${MAX_KEY_LENGTH}]; got ${describe(maxKeySize)}`,
    );
  }
  if (!Number.isInteger(maxValueSize) || maxValueSize < 0 || maxValueSize > MAX_VALUE_LENGTH) {
    throw invalidArgument(
      `maxValueSize must be an integer in [0, ${MAX_VALUE_LENGTH}]; got ${describe(maxValueSize)}`,
    );
  }
  return { maxKeySize, maxValueSize };
}

/** Checks a key against its type and the table's limit. */
export function assertKey(key: unknown, limits: TableLimits): asserts key is Uint8Array {
  assertBytes(key, 'key');
  if (key.length > limits.maxKeySize)
    throw limitExceeded('maxKeySize', limits.maxKeySize, key.length);
}

/** Checks a value against its type and the table's limit. */
export function assertValue(value: unknown, limits: TableLimits): asserts value is Uint8Array {
  assertBytes(value, 'value');
  if (value.length > limits.maxValueSize) {
    throw limitExceeded('maxValueSize', limits.maxValueSize, value.length);
  }
}

/**
 * A range read in one normal form. `lower`/`upper` undefined mean unbounded. `empty` is true
 * when the bounds cannot hold any key (inverted, or equal with an exclusive end).
 */
export interface RangeBounds {
  /** The lower bound; undefined: from the first key. */
  lower: Uint8Array | undefined;
  /** True when `lower` itself is out (`gt`). */
  lowerExclusive: boolean;
  /** The upper bound; undefined: to the last key. */
  upper: Uint8Array | undefined;
  /** True when `upper` itself is out (`lt`, or a prefix's successor). */
  upperExclusive: boolean;
  /** Descending key order. */
  reverse: boolean;
  /** At most this many results; Infinity for no limit. */
  limit: number;
  /** The resolved snapshot: the caller's, or `lastSeq` when none was given. */
  snapshot: number;
  /** True when no key can be in the range. */
  empty: boolean;
}

/**
 * Validates range options and folds an optional prefix into the bounds (their intersection).
 * Throws `MEMREP_INVALID_ARGUMENT` for a non-Uint8Array bound, both `gt` and `gte`, both `lt`
 * and `lte`, a non-boolean `reverse`, a `limit` that is not an integer or +-Infinity (`1.5`, `NaN`,
 * a string), or a bad snapshot, as a snapshot that is not an integer is.
 */
export function normalizeRange(
  options: RangeOptions | undefined,
  lastSeq: number,
  prefix?: Uint8Array,
): RangeBounds {
  assertOptionsObject(options, 'options');
  const o = options ?? {};
  if (o.gt !== undefined && o.gte !== undefined) throw invalidArgument('give gt or gte, not both');
  if (o.lt !== undefined && o.lte !== undefined) throw invalidArgument('give lt or lte, not both');
  let lower: Uint8Array | undefined;
  let lowerExclusive = false;
  let upper: Uint8Array | undefined;
  let upperExclusive = false;
  if (o.gt !== undefined) {
    assertBytes(o.gt, 'gt');
    lower = o.gt;
    lowerExclusive = true;
  } else if (o.gte !== undefined) {
    assertBytes(o.gte, 'gte');
    lower = o.gte;
  }
  if (o.lt !== undefined) {
    assertBytes(o.lt, 'lt');
    upper = o.lt;
    upperExclusive = true;
  } else if (o.lte !== undefined) {
    assertBytes(o.lte, 'lte');
    upper = o.lte;
  }
  if (o.reverse !== undefined && typeof o.reverse !== 'boolean') {
    throw invalidArgument(`reverse must be a boolean; got ${describe(o.reverse)}`);
  }
  let limit = Number.POSITIVE_INFINITY;
  if (o.limit !== undefined) {
    if (
      typeof o.limit !== 'number' ||
      !(Number.isInteger(o.limit) || o.limit === limit || o.limit === -limit)
    ) {
      throw invalidArgument(
        `limit must be an integer, Infinity or -Infinity (negative: no limit); got ${describe(o.limit)}`,
      );
    }
    if (o.limit >= 0) limit = o.limit;
  }
  const snapshot = resolveSnapshot(o, lastSeq);
  if (prefix !== undefined) {
    assertBytes(prefix, 'prefix');
    if (lower === undefined || compareBytes(prefix, lower) > 0) {
      lower = prefix;
      lowerExclusive = false;
    }
    const successor = prefixSuccessor(prefix);
    if (successor !== undefined && (upper === undefined || compareBytes(successor, upper) <= 0)) {
      upper = successor;
      upperExclusive = true;
    }
  }
  let empty = limit === 0;
  if (!empty && lower !== undefined && upper !== undefined) {
    const c = compareBytes(lower, upper);
    empty = c > 0 || (c === 0 && (lowerExclusive || upperExclusive));
  }
  return {
    lower,
    lowerExclusive,
    upper,
    upperExclusive,
    reverse: o.reverse === true,
    limit,
    snapshot,
    empty,
  };
}
