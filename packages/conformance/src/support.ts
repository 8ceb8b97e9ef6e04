import { execFileSync } from 'node:child_process';
import type { Cursor, Table } from '@memrep/core';
import { expect } from 'vitest';
import type { ModelEntry } from './model.js';

const encoder = new TextEncoder();

/** UTF-8 bytes of a string: `utf8('apple')`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

const decoder = new TextDecoder();

/**
 * The string a view of UTF-8 bytes holds. It decodes a copy: browsers' `TextDecoder` refuses
 * a view over shared or resizable memory, which is what a table's reads hand out.
 */
export function text(view: Uint8Array): string {
  return decoder.decode(view.slice());
}

/** The bytes given, as a `Uint8Array`: `bytes(0x00, 0xff)`. */
export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/**
 * Runs `script`, an ES module, in a fresh node with `--expose-gc --trace-deopt`, and returns its
 * standard output and the names of the functions V8 deoptimized, after the script printed the
 * line `from`, because an object their code depended on was freed by a GC ("weak objects"):
 * for tests that reads stay optimized across full GCs (a hidden class with no instance left
 * is such an object). Deoptimizations before `from` (loading, filling) are not counted.
 *
 * Positive control: the first call in a process also runs `FREED_SHAPE_CONTROL`, whose code is
 * freed pass after pass, and throws if the trace does not report it (a V8 whose trace says it
 * otherwise would make every such test pass without looking).
 */
export function traceFreedShapeDeopts(
  script: string,
  from: string,
): {
  /** What the script printed. */
  output: string;
  /** The functions deoptimized because a GC freed an object their code depended on. */
  freed: string[];
} {
  if (!controlPassed) {
    checkFreedShapeControl(runTraced(FREED_SHAPE_CONTROL));
    controlPassed = true;
  }
  const output = runTraced(script);
  return { output, freed: freedShapeDeopts(output, from) };
}

let controlPassed = false;

function runTraced(script: string): string {
  return execFileSync(
    process.execPath,
    ['--expose-gc', '--trace-deopt', '--input-type=module', '-e', script],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}

/** The names `traceFreedShapeDeopts` returns, read from a `--trace-deopt` output. */
export function freedShapeDeopts(output: string, from: string): string[] {
  const lines = output.split('\n');
  const start = lines.indexOf(from);
  if (start < 0) throw new Error(`the script never printed ${JSON.stringify(from)}:\n${output}`);
  return lines
    .slice(start + 1)
    .filter((line) => line.includes('reason: weak objects'))
    .map((line) => /SharedFunctionInfo ([^>]*)>/.exec(line)?.[1] || line);
}

/**
 * The positive control: each pass gives `read` a hidden class of its own (a property named
 * after the pass), optimizes it for that class, then drops every instance, so the next full GC
 * frees the class and deoptimizes `read`, pass after pass: the churn the tests look for.
 */
export const FREED_SHAPE_CONTROL = `
function Box() {}
function read(b) { return b.x + b.y; }
let sum = 0;
for (let pass = 0; pass < 12; pass++) {
  globalThis.gc();
  if (pass === 1) console.log('warm');
  let boxes = [];
  for (let i = 0; i < 64; i++) { const b = new Box(); b.x = i; b.y = pass; b['z' + pass] = 0; boxes.push(b); }
  for (let round = 0; round < 3; round++) {
    for (let r = 0; r < 100000; r++) sum += read(boxes[r & 63]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  boxes = null;
}
console.log('sum', sum);
`;

/**
 * Throws unless the `--trace-deopt` output of `FREED_SHAPE_CONTROL` reports its `read`
 * deoptimized for a freed class more than once after warm-up.
 */
export function checkFreedShapeControl(output: string): void {
  const freed = freedShapeDeopts(output, 'warm');
  if (freed.filter((name, i) => name === 'read' && freed.indexOf(name) !== i).length === 0) {
    throw new Error(
      "positive control failed: V8 never reported the control script's code deoptimized " +
        "again for a freed hidden class ('reason: weak objects'); the trace format may have " +
        'changed, and a test reading it would pass without seeing anything',
    );
  }
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

/** Each key as `hex` spells it, in order. */
export function hexKeys(keys: Iterable<Uint8Array>): Array<string | undefined> {
  return Array.from(keys, hex);
}

/** Each pair as `key=value` in hex, in order: what range reads are compared as. */
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
  /** The table's `count`. */
  count: number;
  /** The table's `dataSize`. */
  dataSize: number;
  /** The table's `lastSeq`. */
  lastSeq: number;
  /** The table's `frozen`. */
  frozen: boolean;
  /** Every entry a cursor walks, as `key@seq:kind=value` (long values as length and hash). */
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

/** The state of `table` now; two states are equal when nothing observable changed. */
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

/** An error class that `expectFailure` and `expectRejected` check the thrown error against. */
export type ErrorClass = new (...args: never[]) => Error;

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
