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
}

/** Every backend the database can run on; one that fails to import fails the suite. */
export const backends: BackendCase[] = [
  { name: 'reference', backend: reference },
  ...(['skiplist', 'vector', 'hash-skiplist'] as const).map((name) => ({ name, backend: name })),
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
export const tablePerWrite: MemrepLevelOptions = { writeBufferSize: 32, autoCompaction: false };

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
