import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_SIZE,
  LogReader,
  logFileName,
  type RecoveryMode,
  WriteAheadLog,
} from '../src/index.js';
import { FaultFileSystem } from '../src/testing.js';
import { batchOf, MemoryLog } from './helpers.js';

/**
 * The reader's contract on any input: it returns records or null and reports drops, never
 * throws, and ends (at most one step per header), and never returns a record that was not
 * written.
 * Recovery over any log bytes either replays or rejects with MEMREP_CORRUPTION, nothing else.
 */
function validLog(n: number, size: number): Uint8Array {
  const log = new MemoryLog();
  for (let i = 0; i < n; i++) log.write(batchOf(i + 1, 1 + (i % 3), (i * size) % 50_000).rep);
  return log.contents();
}

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('zero' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 40_000 }),
  }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = bytes.slice();
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'flip') out[at] ^= 1 << m.bit;
    else if (m.kind === 'cut') out = out.slice(0, at);
    else if (m.kind === 'zero') out.fill(0, at, at + m.length);
    else out.set(m.bytes.subarray(0, out.length - at), at);
  }
  return out;
}

function readEverything(bytes: Uint8Array): number {
  let steps = 0;
  const reader = new LogReader(bytes, (d) => {
    expect(d.bytes).toBeGreaterThanOrEqual(0);
    expect(d.offset).toBeGreaterThanOrEqual(0);
    expect(d.offset).toBeLessThanOrEqual(bytes.length);
    expect(typeof d.reason).toBe('string');
  });
  for (let r = reader.next(); r !== null; r = reader.next()) {
    expect(reader.recordEnd).toBeLessThanOrEqual(bytes.length);
    if (++steps > bytes.length + 1) throw new Error('the reader does not advance');
  }
  expect(reader.next()).toBeNull();
  return steps;
}

describe('fuzzed reader', () => {
  it('random bytes never throw and always end', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3 * BLOCK_SIZE }), (bytes) => {
        readEverything(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated valid logs never throw, always end, and never return a record that was not written', () => {
    const base = validLog(40, 997);
    const written = new Set<string>();
    const reader = new LogReader(base);
    for (let r = reader.next(); r !== null; r = reader.next())
      written.add(Buffer.from(r).toString('hex'));
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const bytes = mutate(base, mutations);
        readEverything(bytes);
        const r = new LogReader(bytes);
        for (let rec = r.next(); rec !== null; rec = r.next()) {
          // A CRC32C collision is possible in principle (2^-32 per record); a flip of a few bits is always caught.
          expect(written.has(Buffer.from(rec).toString('hex'))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('recovery over mutated logs replays a prefix or rejects with MEMREP_CORRUPTION, in every mode', async () => {
    const base = validLog(30, 1499);
    const modes: RecoveryMode[] = ['pointInTime', 'tolerateTail', 'absolute'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...modes),
        async (mutations, recovery) => {
          const fs = new FaultFileSystem();
          fs.put(`/wal/${logFileName(1)}`, mutate(base, mutations));
          const seqs: number[] = [];
          try {
            const wal = await WriteAheadLog.open('/wal', {
              fs,
              recovery,
              replay: (b) => seqs.push(b.sequence),
            });
            await wal.close();
          } catch (error) {
            expect(recovery).not.toBe('pointInTime');
            expect((error as { code?: string }).code).toBe('MEMREP_CORRUPTION');
            return;
          }
          expect(seqs).toEqual(seqs.map((_, i) => i + 1));
        },
      ),
      { numRuns: 200 },
    );
  });
});
