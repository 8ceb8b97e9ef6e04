import { ReferenceTable } from '../../conformance/src/reference.js';
import {
  type BackendName,
  MemrepLevel,
  type MemrepLevelOptions,
  type TableFactory,
} from '../src/index.js';

/** The reference backend: slow and correct, what the others are checked against. */
export const reference: TableFactory = (options) => new ReferenceTable(options);

export interface BackendCase {
  name: string;
  backend: BackendName | TableFactory;
  /** Why the backend cannot run here; undefined when it can. */
  skip: string | undefined;
}

async function named(name: BackendName): Promise<BackendCase> {
  try {
    // Typed as a string so that type-checking does not need the backend built.
    const mod = (await import(`@memrep/${name}` as string)) as { createTable?: unknown };
    const skip =
      typeof mod.createTable === 'function' ? undefined : `@memrep/${name} has no createTable yet`;
    return { name, backend: name, skip };
  } catch (error) {
    return { name, backend: name, skip: `@memrep/${name} cannot be imported: ${error}` };
  }
}

/** Every backend the database can run on, each marked with why it is skipped, if it is. */
export const backends: BackendCase[] = [
  { name: 'reference', backend: reference, skip: undefined },
  ...(await Promise.all((['skiplist', 'vector', 'hash-skiplist'] as const).map(named))),
];

/** An open database with utf8 keys and values. */
export async function openDb(
  backend: BackendName | TableFactory,
  options: MemrepLevelOptions = {},
): Promise<MemrepLevel> {
  const db = new MemrepLevel({ backend, ...options });
  await db.open();
  return db;
}

/** Options under which every write freezes the memtable it went to and nothing is merged. */
export const tablePerWrite: MemrepLevelOptions = { writeBufferSize: 64, autoCompaction: false };

/** A small deterministic PRNG (xorshift32), so that a failing random run can be replayed. */
export function prng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
