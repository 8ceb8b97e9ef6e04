import type { AsyncInstance, OpenOptions, SystemAdapter, SystemSpec } from './types.js';

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

interface LevelDatabase {
  readonly supports: { readonly seek?: boolean };
  open(): Promise<void>;
  close(): Promise<void>;
  put(key: Uint8Array, value: Uint8Array): Promise<void>;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  iterator(options?: IteratorOptions): LevelIterator;
}

type LevelClass = new (options: Record<string, unknown>) => LevelDatabase;

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

export const levelAdapter: SystemAdapter = {
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
