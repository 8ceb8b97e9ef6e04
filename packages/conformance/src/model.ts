import type { EntryKind, RangeOptions } from '@memrep/core';

/**
 * The oracle of the property tests: SPEC.md's data model in plain JavaScript arrays, written
 * for obviousness, not speed. It shares no code with `@memrep/core`, so a bug in core's
 * compare, bounds or snapshot logic cannot hide by agreeing with itself.
 *
 * Invariants:
 * 1. `entries` holds every write, in internal order: key ascending (bytewise, unsigned), then
 *    seq descending. Entries are copies (never `slice`, which on a Buffer is a view).
 * 2. A read as of snapshot S sees, per key, the entry with the largest seq <= S; a tombstone
 *    there means the key is absent.
 * 3. A range tombstone `[start, end)` at seq t hides, at snapshots S >= t, every entry in it
 *    whose seq is below t; `find` of such a key reports `{ kind: 'delete', seq: t }` (the
 *    highest such t). The cursor is not affected: it walks every point entry.
 * 4. A batch gets consecutive seqs from its first and is applied whole or not at all.
 */
export interface ModelEntry {
  readonly key: Uint8Array;
  readonly seq: number;
  readonly kind: EntryKind;
  readonly value: Uint8Array | undefined;
}

/** A range delete the model holds: it hides entries in `[start, end)` of lower seq. */
export interface ModelRangeTombstone {
  /** First key covered (inclusive); the model's own copy. */
  readonly start: Uint8Array;
  /** First key past the range (exclusive); after `start`. */
  readonly end: Uint8Array;
  /** Seq it was written at. */
  readonly seq: number;
}

/** One operation of a batch, as `WriteBatch` holds it. */
export type ModelBatchOp =
  | {
      /** A put. */
      op: 'put';
      /** Key written. */
      key: Uint8Array;
      /** Value written. */
      value: Uint8Array;
    }
  | {
      /** A point delete (a tombstone). */
      op: 'delete';
      /** Key deleted. */
      key: Uint8Array;
    }
  | {
      /** A range delete. */
      op: 'deleteRange';
      /** First key deleted (inclusive). */
      start: Uint8Array;
      /** First key past the range (exclusive); must sort after `start`. */
      end: Uint8Array;
    };

/** What the model throws where the contract says a table throws; `code` is the same code. */
export class ModelError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ModelError';
    this.code = code;
  }
}

/** Bytewise, unsigned; a key sorts before its own extensions. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function startsWith(key: Uint8Array, prefix: Uint8Array): boolean {
  return key.length >= prefix.length && prefix.every((byte, i) => key[i] === byte);
}

/** Key ascending, then seq descending. */
function compareInternal(a: ModelEntry, key: Uint8Array, seq: number): number {
  return compareKeys(a.key, key) || seq - a.seq;
}

export class TableModel {
  readonly entries: ModelEntry[] = [];
  /** Range tombstones in the order written. */
  readonly rangeTombstoneList: ModelRangeTombstone[] = [];
  lastSeq = -1;
  dataSize = 0;

  get count(): number {
    return this.entries.length + this.rangeTombstoneList.length;
  }

  /**
   * Records a range tombstone over `[start, end)` at `seq` (default `lastSeq + 1`); returns the seq.
   * Throws `ModelError` `MEMREP_INVALID_ARGUMENT` unless `start` sorts before `end`, before any change.
   */
  deleteRange(start: Uint8Array, end: Uint8Array, seq?: number): number {
    if (compareKeys(start, end) >= 0) {
      throw new ModelError('MEMREP_INVALID_ARGUMENT', 'a range delete needs start < end');
    }
    const s = seq ?? this.lastSeq + 1;
    this.rangeTombstoneList.push({
      start: new Uint8Array(start),
      end: new Uint8Array(end),
      seq: s,
    });
    this.dataSize += start.length + end.length;
    if (s > this.lastSeq) this.lastSeq = s;
    return s;
  }

  /** Applies `ops` with seqs from `seq` (default `lastSeq + 1`), all or none; returns the first. */
  write(ops: readonly ModelBatchOp[], seq?: number): number {
    const first = seq ?? this.lastSeq + 1;
    ops.forEach((o, i) => {
      if (o.op !== 'deleteRange' && this.#holds(o.key, first + i)) {
        throw new ModelError('MEMREP_DUPLICATE_SEQ', `(key, ${first + i}) is already held`);
      }
    });
    ops.forEach((o, i) => {
      if (o.op === 'put') this.put(o.key, o.value, first + i);
      else if (o.op === 'delete') this.delete(o.key, first + i);
      else this.deleteRange(o.start, o.end, first + i);
    });
    return first;
  }

  #holds(key: Uint8Array, seq: number): boolean {
    return this.entries.some((e) => compareKeys(e.key, key) === 0 && e.seq === seq);
  }

  /** The highest seq <= snapshot of a range tombstone holding `key`, or -1. */
  coveringSeq(key: Uint8Array, snapshot = this.lastSeq): number {
    let best = -1;
    for (const t of this.rangeTombstoneList) {
      if (t.seq > snapshot || t.seq <= best) continue;
      if (compareKeys(t.start, key) <= 0 && compareKeys(key, t.end) < 0) best = t.seq;
    }
    return best;
  }

  /** Range tombstones with seq <= snapshot, by start ascending, seq descending, end ascending. */
  rangeTombstones(snapshot = this.lastSeq): ModelRangeTombstone[] {
    return this.rangeTombstoneList
      .filter((t) => t.seq <= snapshot)
      .sort((a, b) => compareKeys(a.start, b.start) || b.seq - a.seq || compareKeys(a.end, b.end));
  }

  put(key: Uint8Array, value: Uint8Array, seq?: number): number {
    return this.#write(key, value, seq);
  }

  delete(key: Uint8Array, seq?: number): number {
    return this.#write(key, undefined, seq);
  }

  #write(key: Uint8Array, value: Uint8Array | undefined, seq: number | undefined): number {
    const s = seq ?? this.lastSeq + 1;
    let at = 0;
    while (at < this.entries.length && compareInternal(this.entries[at], key, s) < 0) at++;
    if (at < this.entries.length && compareInternal(this.entries[at], key, s) === 0) {
      throw new ModelError('MEMREP_DUPLICATE_SEQ', `(key, ${s}) is already held`);
    }
    this.entries.splice(at, 0, {
      key: new Uint8Array(key),
      seq: s,
      kind: value === undefined ? 'delete' : 'put',
      value: value && new Uint8Array(value),
    });
    this.dataSize += key.length + (value?.length ?? 0);
    if (s > this.lastSeq) this.lastSeq = s;
    return s;
  }

  /**
   * The newest entry of `key` with seq <= snapshot, tombstone included; a covering range
   * tombstone above it reads as a tombstone at its seq.
   */
  find(key: Uint8Array, snapshot = this.lastSeq): ModelEntry | undefined {
    const point = this.entries.find((e) => compareKeys(e.key, key) === 0 && e.seq <= snapshot);
    const covering = this.coveringSeq(key, snapshot);
    if (covering > (point?.seq ?? -1)) {
      return {
        key: point?.key ?? new Uint8Array(key),
        seq: covering,
        kind: 'delete',
        value: undefined,
      };
    }
    return point;
  }

  get(key: Uint8Array, snapshot?: number): Uint8Array | undefined {
    return this.find(key, snapshot)?.value;
  }

  has(key: Uint8Array, snapshot?: number): boolean {
    return this.find(key, snapshot)?.kind === 'put';
  }

  /** Live `[key, value]` pairs as `range(options)` (or `prefix(prefix, options)`) yields them. */
  range(options: RangeOptions = {}, prefix?: Uint8Array): Array<[Uint8Array, Uint8Array]> {
    const snapshot = options.snapshot ?? this.lastSeq;
    const live: Array<[Uint8Array, Uint8Array]> = [];
    for (let i = 0; i < this.entries.length; i++) {
      const { key } = this.entries[i];
      if (i > 0 && compareKeys(this.entries[i - 1].key, key) === 0) continue;
      const visible = this.find(key, snapshot);
      if (visible?.kind !== 'put' || !this.#inBounds(key, options, prefix)) continue;
      live.push([visible.key, visible.value as Uint8Array]);
    }
    if (options.reverse) live.reverse();
    const limit = options.limit;
    return limit === undefined || limit < 0 ? live : live.slice(0, Math.floor(limit));
  }

  #inBounds(key: Uint8Array, o: RangeOptions, prefix: Uint8Array | undefined): boolean {
    if (o.gt !== undefined && compareKeys(key, o.gt) <= 0) return false;
    if (o.gte !== undefined && compareKeys(key, o.gte) < 0) return false;
    if (o.lt !== undefined && compareKeys(key, o.lt) >= 0) return false;
    if (o.lte !== undefined && compareKeys(key, o.lte) > 0) return false;
    return prefix === undefined || startsWith(key, prefix);
  }

  /** Every entry a cursor with this snapshot walks, in internal order. */
  visible(snapshot = Number.POSITIVE_INFINITY): ModelEntry[] {
    return this.entries.filter((e) => e.seq <= snapshot);
  }

  cursor(snapshot?: number): ModelCursor {
    return new ModelCursor(this.visible(snapshot));
  }
}

/** A `Cursor` over a fixed list of entries in internal order; `index` -1 is unpositioned. */
export class ModelCursor {
  readonly #entries: readonly ModelEntry[];
  index = -1;

  constructor(entries: readonly ModelEntry[]) {
    this.#entries = entries;
  }

  get valid(): boolean {
    return this.index >= 0;
  }

  get entry(): ModelEntry | undefined {
    return this.index >= 0 ? this.#entries[this.index] : undefined;
  }

  first(): void {
    this.#at(0);
  }

  last(): void {
    this.#at(this.#entries.length - 1);
  }

  seek(key: Uint8Array): void {
    this.#at(this.#entries.findIndex((e) => compareKeys(e.key, key) >= 0));
  }

  seekForPrev(key: Uint8Array): void {
    this.#at(this.#entries.findLastIndex((e) => compareKeys(e.key, key) <= 0));
  }

  next(): void {
    if (this.index >= 0) this.#at(this.index + 1);
  }

  prev(): void {
    if (this.index >= 0) this.#at(this.index - 1);
  }

  #at(index: number): void {
    this.index = index >= 0 && index < this.#entries.length ? index : -1;
  }
}
