import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BlockEncoder, KIND_PUT, ViewSource } from '../block-encoder.js';
import type {
  AsyncInstance,
  DurableAdapter,
  DurableDatabase,
  DurableSystem,
  OpenOptions,
  SystemAdapter,
  SystemSpec,
  WriteOptions,
} from './types.js';

/** The part of the abstract-level 3 public API the bench uses (keys and values as views). */
interface LevelIterator {
  next(): Promise<[Uint8Array, Uint8Array] | undefined>;
  nextv(size: number): Promise<[Uint8Array, Uint8Array][]>;
  all(): Promise<[Uint8Array, Uint8Array][]>;
  seek(target: Uint8Array): void;
  close(): Promise<void>;
}

interface IteratorOptions {
  gte?: Uint8Array;
  lt?: Uint8Array;
  limit?: number;
}

interface BatchPut {
  readonly type: 'put';
  key: Uint8Array;
  value: Uint8Array;
}

interface LevelDatabase {
  readonly supports: { readonly seek?: boolean; readonly permanence?: boolean };
  open(): Promise<void>;
  close(): Promise<void>;
  put(key: Uint8Array, value: Uint8Array, options?: WriteOptions): Promise<void>;
  batch(operations: readonly BatchPut[], options?: WriteOptions): Promise<void>;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  iterator(options?: IteratorOptions): LevelIterator;
}

type LevelClass = new (
  locationOrOptions: string | Record<string, unknown>,
  options?: Record<string, unknown>,
) => LevelDatabase;

/** Entries per `nextv` call in a full scan: big enough that the promise per batch is noise. */
const SCAN_BATCH = 1000;

/**
 * A database behind the abstract-level public API, every call awaited: memory-level (a peer)
 * and the memrep level adapter on each backend. Keys and values use the `view` encoding, so
 * nothing is transcoded. memory-level stores the very arrays it is given, so its puts copy
 * them first; a memrep table copies on write by itself.
 */
class LevelInstance implements AsyncInstance {
  readonly async = true;
  readonly #db: LevelDatabase;
  readonly #copy: boolean;
  #seekIterator: LevelIterator | undefined;
  readonly #source = new ViewSource();

  constructor(db: LevelDatabase, copy: boolean) {
    this.#db = db;
    this.#copy = copy;
  }

  put(key: Uint8Array, value: Uint8Array): Promise<void> {
    return this.#copy ? this.#db.put(key.slice(), value.slice()) : this.#db.put(key, value);
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#db.get(key);
  }

  async scan(): Promise<number> {
    const it = this.#db.iterator();
    let sum = 0;
    try {
      for (;;) {
        const batch = await it.nextv(SCAN_BATCH);
        if (batch.length === 0) break;
        for (let i = 0; i < batch.length; i++) sum += batch[i][0].length + batch[i][1].length;
      }
    } finally {
      await it.close();
    }
    return sum;
  }

  async scanCursor(): Promise<number> {
    const it = this.#db.iterator();
    let sum = 0;
    try {
      for (;;) {
        const entry = await it.next();
        if (entry === undefined) break;
        sum += entry[0].length + entry[1].length;
      }
    } finally {
      await it.close();
    }
    return sum;
  }

  async seek(key: Uint8Array, steps: number): Promise<number> {
    let batch: [Uint8Array, Uint8Array][];
    if (this.#db.supports.seek === true) {
      // One iterator, repositioned by every seek (abstract-level's `iterator.seek()`).
      const it = (this.#seekIterator ??= this.#db.iterator());
      it.seek(key);
      batch = await it.nextv(steps + 1);
    } else {
      batch = await this.#db.iterator({ gte: key, limit: steps + 1 }).all();
    }
    let sum = 0;
    for (let i = 0; i < batch.length; i++) sum += batch[i][0].length + batch[i][1].length;
    return sum;
  }

  async rangeFrom(key: Uint8Array, limit: number): Promise<number> {
    const batch = await this.#db.iterator({ gte: key, limit }).all();
    let sum = 0;
    for (let i = 0; i < batch.length; i++) sum += batch[i][0].length + batch[i][1].length;
    return sum;
  }

  /**
   * `iterator().nextv(1000)` batches into the encoder; abstract-level hands out no seqs, so
   * every entry goes out as a put of seq 0.
   */
  async flush(encoder: BlockEncoder): Promise<number> {
    const it = this.#db.iterator();
    const source = this.#source;
    let n = 0;
    try {
      for (;;) {
        const batch = await it.nextv(SCAN_BATCH);
        if (batch.length === 0) break;
        for (let i = 0; i < batch.length; i++) {
          encoder.add(source.set(batch[i][0], batch[i][1]), 0, KIND_PUT);
        }
        n += batch.length;
      }
    } finally {
      await it.close();
    }
    encoder.finish();
    return n;
  }

  async prefix(prefix: Uint8Array, upper: Uint8Array | undefined): Promise<number> {
    const range: IteratorOptions =
      upper === undefined ? { gte: prefix } : { gte: prefix, lt: upper };
    const entries = await this.#db.iterator(range).all();
    let sum = 0;
    for (let i = 0; i < entries.length; i++) sum += entries[i][0].length + entries[i][1].length;
    return sum;
  }

  async close(): Promise<void> {
    await this.#seekIterator?.close();
    await this.#db.close();
  }
}

const VIEW_ENCODINGS = { keyEncoding: 'view', valueEncoding: 'view' } as const;

/**
 * An abstract-level database in a directory (classic-level; `@memrep/level` with a location):
 * `put` and array `batch` with `sync`, every call awaited. A batch reuses one array of
 * operation objects, so the loop allocates nothing but what the database does.
 */
class LevelDurableDatabase implements DurableDatabase {
  readonly #db: LevelDatabase;
  readonly #ops: BatchPut[] = [];

  constructor(db: LevelDatabase) {
    this.#db = db;
  }

  put(key: Uint8Array, value: Uint8Array, options: WriteOptions): Promise<void> {
    return this.#db.put(key, value, options);
  }

  batch(
    keys: readonly Uint8Array[],
    values: readonly Uint8Array[],
    options: WriteOptions,
  ): Promise<void> {
    const ops = this.#ops;
    while (ops.length < keys.length) ops.push({ type: 'put', key: keys[0], value: values[0] });
    ops.length = keys.length;
    for (let i = 0; i < keys.length; i++) {
      ops[i].key = keys[i];
      ops[i].value = values[i];
    }
    return this.#db.batch(ops, options);
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#db.get(key);
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}

async function levelClass(spec: SystemSpec): Promise<{ Level: LevelClass; extra: object }> {
  if (spec.adapter === 'classic-level') {
    const { ClassicLevel } = await import('classic-level');
    return { Level: ClassicLevel as unknown as LevelClass, extra: {} };
  }
  if (spec.adapter !== 'level') throw new Error(`not a durable system: ${spec.name}`);
  const mod = (await import(spec.packageName)) as Record<string, unknown>;
  const Level = mod[spec.className] as LevelClass | undefined;
  if (typeof Level !== 'function') {
    throw new Error(`${spec.packageName} does not export ${spec.className}`);
  }
  return { Level, extra: { backend: spec.backend } };
}

/**
 * Whether a level adapter is durable: its manifest declares `permanence` for a database made
 * with a location (today's `@memrep/level` lives in memory and says `permanence: false`).
 */
export async function levelIsDurable(Level: unknown): Promise<boolean> {
  // abstract-level opens a new database on its own: give it a directory to make and remove.
  const dir = await mkdtemp(join(tmpdir(), 'memrep-bench-probe-'));
  try {
    const db = new (Level as LevelClass)(join(dir, 'db'), { ...VIEW_ENCODINGS });
    const durable = db.supports.permanence === true;
    await db.close();
    return durable;
  } catch {
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const levelAdapter: SystemAdapter & DurableAdapter = {
  async durable(spec: SystemSpec): Promise<DurableSystem> {
    const { Level, extra } = await levelClass(spec);
    return {
      async open(location, options) {
        const db = new Level(location, { ...VIEW_ENCODINGS, ...extra, ...options });
        await db.open();
        return new LevelDurableDatabase(db);
      },
    };
  },

  async open(spec: SystemSpec, _options: OpenOptions) {
    let db: LevelDatabase;
    let copy: boolean;
    if (spec.adapter === 'memory-level') {
      const { MemoryLevel } = await import('memory-level');
      db = new MemoryLevel({
        ...VIEW_ENCODINGS,
        storeEncoding: 'view',
      }) as unknown as LevelDatabase;
      copy = true;
    } else if (spec.adapter === 'level') {
      const mod = (await import(spec.packageName)) as Record<string, unknown>;
      const Level = mod[spec.className] as LevelClass | undefined;
      if (typeof Level !== 'function') {
        throw new Error(`${spec.packageName} does not export ${spec.className}`);
      }
      db = new Level({ ...VIEW_ENCODINGS, backend: spec.backend });
      copy = false;
    } else {
      throw new Error(`not an abstract-level system: ${spec.name}`);
    }
    await db.open();
    return new LevelInstance(db, copy);
  },
};
