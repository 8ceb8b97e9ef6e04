import { execFileSync } from 'node:child_process';
import type { Cursor, Table } from '@memrep/core';
import { expect } from 'vitest';
import type { ModelEntry } from './model.js';

const encoder = new TextEncoder();

/** UTF-8 bytes of a string: `utf8('apple')`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/**
 * Runs `script`, an ES module, in a fresh node with `--expose-gc --trace-deopt`, and returns its
 * standard output and the names of the functions V8 deoptimized, after the script printed the
 * line `from`, because an object their code depended on was freed by a GC ("weak objects"):
 * for tests that reads stay optimized across full GCs (a hidden class with no instance left
 * is such an object). Deoptimizations before `from` (loading, filling) are not counted.
 */
export function traceFreedShapeDeopts(
  script: string,
  from: string,
): { output: string; freed: string[] } {
  const output = execFileSync(
    process.execPath,
    ['--expose-gc', '--trace-deopt', '--input-type=module', '-e', script],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const lines = output.split('\n');
  const start = lines.indexOf(from);
  if (start < 0) throw new Error(`the script never printed ${JSON.stringify(from)}:\n${output}`);
  const freed = lines
    .slice(start + 1)
    .filter((line) => line.includes('reason: weak objects'))
    .map((line) => /SharedFunctionInfo ([^>]*)>/.exec(line)?.[1] || line);
  return { output, freed };
}

/**
 * A deterministic source of random bytes (xorshift32 from `seed`, a nonzero integer): each
 * call returns `n` fresh bytes, the same every run, so that a failing test replays.
 */
export function seededBytes(seed: number): (n: number) => Uint8Array {
  let x = seed | 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x >>> 24;
    }
    return out;
  };
}

/** Lowercase hex; hex strings sort like the bytes they spell, and diff readably. */
export function hex(value: Uint8Array | undefined): string | undefined {
  if (value === undefined) return undefined;
  let out = '';
  for (let i = 0; i < value.length; i++) out += value[i].toString(16).padStart(2, '0');
  return out;
}

export function hexKeys(keys: Iterable<Uint8Array>): Array<string | undefined> {
  return Array.from(keys, hex);
}

export function hexPairs(pairs: Iterable<[Uint8Array, Uint8Array]>): string[] {
  return Array.from(pairs, ([key, value]) => `${hex(key)}=${hex(value)}`);
}

/** One entry as `key@seq:kind=value`, the form every cursor comparison uses. */
export function entryLine(entry: ModelEntry | Cursor): string {
  const value = entry.kind === 'put' ? hex(entry.value) : '';
  return `${hex(entry.key)}@${entry.seq}:${entry.kind}=${value}`;
}

/** Every entry a cursor with this snapshot walks, first to last. */
export function cursorLines(table: Table, snapshot?: number): string[] {
  const cursor = table.cursor(snapshot === undefined ? undefined : { snapshot });
  const lines: string[] = [];
  for (cursor.first(); cursor.valid; cursor.next()) lines.push(entryLine(cursor));
  return lines;
}

/** Everything observable about a table's contents and counters, to show that nothing changed. */
export interface TableState {
  count: number;
  dataSize: number;
  lastSeq: number;
  frozen: boolean;
  entries: string[];
  /** Every range tombstone, `start..end@seq`, in `rangeTombstones()` order. */
  rangeTombstones: string[];
}

/** A range tombstone as `start..end@seq`. */
export function rangeTombstoneLine(t: { start: Uint8Array; end: Uint8Array; seq: number }): string {
  return `${hex(t.start)}..${hex(t.end)}@${t.seq}`;
}

/** Every range tombstone visible at the snapshot (default: all), as lines. */
export function rangeTombstoneLines(table: Table, snapshot = Number.MAX_SAFE_INTEGER): string[] {
  return Array.from(table.rangeTombstones({ snapshot }), rangeTombstoneLine);
}

/** Hex of short values, length and FNV-1a of long ones: cheap enough to take before every write. */
function digest(value: Uint8Array | undefined): string | undefined {
  if (value === undefined || value.length <= 32) return hex(value);
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value[i], 0x01000193);
  return `${value.length}:${(h >>> 0).toString(16)}`;
}

export function tableState(table: Table): TableState {
  const cursor = table.cursor();
  const entries: string[] = [];
  for (cursor.first(); cursor.valid; cursor.next()) {
    entries.push(`${hex(cursor.key)}@${cursor.seq}:${cursor.kind}=${digest(cursor.value)}`);
  }
  return {
    count: table.count,
    dataSize: table.dataSize,
    lastSeq: table.lastSeq,
    frozen: table.frozen,
    entries,
    rangeTombstones: rangeTombstoneLines(table),
  };
}

type ErrorClass = new (...args: never[]) => Error;

/**
 * Runs `action`, which must throw an error of class `kind` (TypeError, RangeError, or any
 * Error) carrying `code` and a message. Returns the error for further checks.
 */
export function expectFailure(
  action: () => unknown,
  code: string,
  kind: ErrorClass = Error,
): Error {
  let thrown: unknown;
  let threw = false;
  try {
    action();
  } catch (error) {
    threw = true;
    thrown = error;
  }
  expect(threw, `expected ${code}, but nothing was thrown`).toBe(true);
  expect(thrown, `expected ${code} as a ${kind.name}`).toBeInstanceOf(kind);
  const error = thrown as Error & { code?: unknown };
  expect(error.code, `error code of: ${error.message}`).toBe(code);
  expect(typeof error.message === 'string' && error.message.length > 0).toBe(true);
  return error;
}

/** `expectFailure`, and the table is exactly as it was before the attempt. */
export function expectRejected(
  table: Table,
  action: () => unknown,
  code: string,
  kind: ErrorClass = Error,
): Error {
  const before = tableState(table);
  const error = expectFailure(action, code, kind);
  expect(tableState(table), `${code} changed the table`).toEqual(before);
  return error;
}

export function expectBytes(
  actual: Uint8Array | undefined,
  expected: Uint8Array | undefined,
): void {
  if (actual !== undefined) expect(actual).toBeInstanceOf(Uint8Array);
  expect(hex(actual)).toBe(hex(expected));
}
