import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_SIZE,
  crc32c,
  crc32cExtend,
  crc32cJs,
  encodeRecord,
  HEADER_SIZE,
  maskCrc,
  NATIVE_MIN_BYTES,
  TYPE_FIRST,
  TYPE_LAST,
  TYPE_MIDDLE,
  unmaskCrc,
} from '../src/index.js';
import { bigString, dropped, MemoryLog, preallocated, readAll, rng } from './helpers.js';

function fixChecksum(bytes: Uint8Array, at: number, length: number): void {
  const crc = maskCrc(crc32c(bytes, at + 6, at + HEADER_SIZE + length));
  bytes[at] = crc & 0xff;
  bytes[at + 1] = (crc >>> 8) & 0xff;
  bytes[at + 2] = (crc >>> 16) & 0xff;
  bytes[at + 3] = crc >>> 24;
}

describe('crc32c', () => {
  it('matches the published check values (RFC 3720 B.4)', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    const ascending = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(crc32c(ascending)).toBe(0x46dd794e);
  });

  it('extends: the CRC of a concatenation is the CRC of the second part extended from the first', () => {
    const next = rng(7);
    const bytes = Uint8Array.from({ length: 1000 }, () => (next() * 256) | 0);
    for (const cut of [0, 1, 7, 8, 9, 500, 999, 1000]) {
      expect(crc32cExtend(crc32c(bytes, 0, cut), bytes, cut)).toBe(crc32c(bytes));
    }
  });

  it('the native path (from NATIVE_MIN_BYTES) and the JavaScript loop agree on any bytes and any start', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 3 * NATIVE_MIN_BYTES }),
        fc.nat(),
        fc.nat({ max: 0xffffffff }),
        (bytes, cut, init) => {
          const start = bytes.length === 0 ? 0 : cut % bytes.length;
          expect(crc32cExtend(init, bytes, start)).toBe(crc32cJs(init, bytes, start, bytes.length));
        },
      ),
    );
  });

  it('mask is LevelDB`s and unmask inverts it', () => {
    expect(maskCrc(0)).toBe(0xa282ead8);
    for (const v of [0, 1, 0xdeadbeef, 0xffffffff, 0x80000000])
      expect(unmaskCrc(maskCrc(v))).toBe(v);
    expect(maskCrc(0x12345678)).not.toBe(0x12345678);
  });
});

describe('log format: LevelDB log_test', () => {
  it('empty: an empty log has no records and reports nothing', () => {
    expect(readAll(new Uint8Array(0))).toEqual({ records: [], drops: [] });
  });

  it('read/write: small records, a zero-length one among them, come back in order', () => {
    const log = new MemoryLog().write('foo').write('bar').write('').write('xxxx');
    expect(readAll(log.contents())).toEqual({ records: ['foo', 'bar', '', 'xxxx'], drops: [] });
    expect(log.length).toBe(4 * HEADER_SIZE + 10);
  });

  it('many blocks: 100000 small records span many blocks', () => {
    const log = new MemoryLog();
    for (let i = 0; i < 100_000; i++) log.write(`${i}.`);
    expect(log.length).toBeGreaterThan(20 * BLOCK_SIZE);
    const { records, drops } = readAll(log.contents());
    expect(drops).toEqual([]);
    expect(records.length).toBe(100_000);
    for (let i = 0; i < 100_000; i += 997) expect(records[i]).toBe(`${i}.`);
  });

  it('fragmentation: records larger than a block split into FIRST/MIDDLE/LAST and join back', () => {
    const medium = bigString('medium', 50_000);
    const large = bigString('large', 100_000);
    const log = new MemoryLog().write('small').write(medium).write(large);
    const bytes = log.contents();
    expect(bytes[BLOCK_SIZE + 6]).toBe(TYPE_LAST);
    expect(bytes[HEADER_SIZE + 5 + 6]).toBe(TYPE_FIRST);
    expect(readAll(bytes)).toEqual({ records: ['small', medium, large], drops: [] });
  });

  it('marginal trailer: exactly a header left in a block gets an empty FIRST fragment there', () => {
    const n = BLOCK_SIZE - 2 * HEADER_SIZE;
    const log = new MemoryLog().write(bigString('foo', n));
    expect(log.length).toBe(BLOCK_SIZE - HEADER_SIZE);
    log.write('').write('bar');
    expect(readAll(log.contents())).toEqual({
      records: [bigString('foo', n), '', 'bar'],
      drops: [],
    });
  });

  it('marginal trailer, non-empty record: the empty FIRST is followed by a LAST in the next block', () => {
    const n = BLOCK_SIZE - 2 * HEADER_SIZE;
    const log = new MemoryLog().write(bigString('foo', n)).write('bar');
    const bytes = log.contents();
    expect(bytes[BLOCK_SIZE - HEADER_SIZE + 6]).toBe(TYPE_FIRST);
    expect(bytes[BLOCK_SIZE - HEADER_SIZE + 4]).toBe(0);
    expect(bytes[BLOCK_SIZE + 6]).toBe(TYPE_LAST);
    expect(readAll(bytes)).toEqual({ records: [bigString('foo', n), 'bar'], drops: [] });
  });

  it('short trailer: one byte short of a header is zero-filled and skipped', () => {
    const n = BLOCK_SIZE - 2 * HEADER_SIZE + 4;
    const log = new MemoryLog().write(bigString('foo', n));
    expect(log.length).toBe(BLOCK_SIZE - HEADER_SIZE + 4);
    log.write('').write('bar');
    const bytes = log.contents();
    expect([...bytes.subarray(BLOCK_SIZE - 3, BLOCK_SIZE)]).toEqual([0, 0, 0]);
    expect(readAll(bytes)).toEqual({ records: [bigString('foo', n), '', 'bar'], drops: [] });
  });

  it('trailer one byte short of a header: six zero bytes, then the record in the next block', () => {
    const n = BLOCK_SIZE - 2 * HEADER_SIZE + 1;
    const log = new MemoryLog().write(bigString('foo', n)).write('bar');
    const bytes = log.contents();
    expect([...bytes.subarray(BLOCK_SIZE - 6, BLOCK_SIZE)]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(log.length).toBe(BLOCK_SIZE + HEADER_SIZE + 3);
    expect(readAll(bytes)).toEqual({ records: [bigString('foo', n), 'bar'], drops: [] });
  });

  it('aligned eof: a log ending inside the trailer zone reads to its end', () => {
    const n = BLOCK_SIZE - 2 * HEADER_SIZE + 4;
    const log = new MemoryLog().write(bigString('foo', n));
    expect(readAll(log.contents())).toEqual({ records: [bigString('foo', n)], drops: [] });
  });

  it('framedSize is what encodeRecord writes, at every block offset near a boundary', () => {
    const sizes = [
      0,
      1,
      6,
      7,
      8,
      BLOCK_SIZE - 2 * HEADER_SIZE,
      BLOCK_SIZE - HEADER_SIZE,
      BLOCK_SIZE,
      3 * (BLOCK_SIZE - HEADER_SIZE),
      100_000,
    ];
    for (const lead of [
      0,
      1,
      BLOCK_SIZE - 2 * HEADER_SIZE - 1,
      BLOCK_SIZE - 2 * HEADER_SIZE,
      BLOCK_SIZE - 2 * HEADER_SIZE + 1,
      BLOCK_SIZE - HEADER_SIZE - 1,
    ]) {
      for (const size of sizes) {
        const log = new MemoryLog();
        if (lead > 0) log.write(new Uint8Array(lead));
        log.write(new Uint8Array(size));
        expect(readAll(log.contents()).records.map((r) => r.length)).toEqual(
          lead > 0 ? [lead, size] : [size],
        );
      }
    }
  });

  it('random read: records of skewed random sizes come back', () => {
    const next = rng(301);
    const sizes = Array.from({ length: 500 }, () => Math.floor(2 ** (next() * 17)));
    const log = new MemoryLog();
    for (const [i, size] of sizes.entries()) log.write(bigString(`${i}.`, size));
    const { records, drops } = readAll(log.contents());
    expect(drops).toEqual([]);
    expect(records).toEqual(sizes.map((size, i) => bigString(`${i}.`, size)));
  });

  it('bad record type: an unknown type is dropped and reported', () => {
    const bytes = new MemoryLog().write('foo').contents();
    bytes[6] += 100;
    fixChecksum(bytes, 0, 3);
    const { records, drops } = readAll(bytes);
    expect(records).toEqual([]);
    expect(dropped(drops)).toBe(3);
    expect(drops[0].reason).toMatch(/unknown record type/);
  });

  it('truncated trailing record: a header cut short at the end is a truncation', () => {
    const bytes = new MemoryLog()
      .write('foo')
      .contents()
      .slice(0, HEADER_SIZE - 1);
    const { records, drops } = readAll(bytes);
    expect(records).toEqual([]);
    expect(dropped(drops)).toBe(HEADER_SIZE - 1);
    expect(drops[0].reason).toMatch(/^truncated/);
  });

  it('torn tail: a payload cut short at the end is a truncation, earlier records survive', () => {
    const full = new MemoryLog().write('foo').write('barbaz').contents();
    const bytes = full.slice(0, full.length - 2);
    const { records, drops } = readAll(bytes);
    expect(records).toEqual(['foo']);
    expect(drops).toEqual([
      {
        offset: HEADER_SIZE + 3,
        bytes: HEADER_SIZE + 4,
        reason: 'truncated record at end of file',
      },
    ]);
  });

  it('torn fragmented record: a FIRST without its LAST at the end is a truncation, never joined', () => {
    const full = new MemoryLog()
      .write('a')
      .write(bigString('big', 2 * BLOCK_SIZE))
      .contents();
    const bytes = full.slice(0, BLOCK_SIZE + 100);
    const { records, drops } = readAll(bytes);
    expect(records).toEqual(['a']);
    expect(drops.every((d) => d.reason.startsWith('truncated'))).toBe(true);
    expect(drops[drops.length - 1].offset).toBe(HEADER_SIZE + 1);
  });

  it('bad length: a length past the end of a full block is corruption, not a truncation', () => {
    const log = new MemoryLog().write(bigString('x', BLOCK_SIZE - HEADER_SIZE)).write('next');
    const bytes = log.contents();
    bytes[4] = 0xff;
    bytes[5] = 0xff;
    const { records, drops } = readAll(bytes);
    expect(records).toEqual(['next']);
    expect(drops).toEqual([{ offset: 0, bytes: BLOCK_SIZE, reason: 'bad record length' }]);
  });

  it('bad length in the last, partial block: read as a truncation (LevelDB BadLength)', () => {
    const bytes = new MemoryLog().write('foo').contents();
    const { records, drops } = readAll(bytes.slice(0, bytes.length - 1));
    expect(records).toEqual([]);
    expect(dropped(drops)).toBe(HEADER_SIZE + 2);
    expect(drops[0].reason).toBe('truncated record at end of file');
  });

  it('checksum mismatch: the rest of the block is dropped and reported', () => {
    const bytes = new MemoryLog().write('foo').contents();
    bytes[0] += 10;
    const { records, drops } = readAll(bytes);
    expect(records).toEqual([]);
    expect(drops).toEqual([{ offset: 0, bytes: 10, reason: 'checksum mismatch' }]);
  });

  it('checksum mismatch in a payload byte is caught', () => {
    const bytes = new MemoryLog().write('foo').write('bar').contents();
    bytes[HEADER_SIZE + 1] ^= 1;
    const { records, drops } = readAll(bytes);
    expect(records).toEqual([]);
    expect(drops[0]).toEqual({ offset: 0, bytes: 20, reason: 'checksum mismatch' });
  });

  it('unexpected MIDDLE: a MIDDLE with no FIRST before it is dropped', () => {
    const bytes = new MemoryLog().write('foo').contents();
    bytes[6] = TYPE_MIDDLE;
    fixChecksum(bytes, 0, 3);
    const { records, drops } = readAll(bytes);
    expect(records).toEqual([]);
    expect(dropped(drops)).toBe(3);
    expect(drops[0].reason).toMatch(/missing start/);
  });

  it('unexpected LAST: a LAST with no FIRST before it is dropped', () => {
    const bytes = new MemoryLog().write('foo').contents();
    bytes[6] = TYPE_LAST;
    fixChecksum(bytes, 0, 3);
    const { records, drops } = readAll(bytes);
    expect(records).toEqual([]);
    expect(dropped(drops)).toBe(3);
    expect(drops[0].reason).toMatch(/missing start/);
  });

  it('unexpected FULL after a FIRST: the unfinished record is dropped, the FULL read', () => {
    const bytes = new MemoryLog().write('foo').write('bar').contents();
    bytes[6] = TYPE_FIRST;
    fixChecksum(bytes, 0, 3);
    const { records, drops } = readAll(bytes);
    expect(records).toEqual(['bar']);
    expect(dropped(drops)).toBe(3);
    expect(drops[0].reason).toMatch(/partial record without end/);
  });

  it('unexpected FIRST after a FIRST: the first is dropped, the second record read', () => {
    const big = bigString('bar', 100_000);
    const bytes = new MemoryLog().write('foo').write(big).contents();
    bytes[6] = TYPE_FIRST;
    fixChecksum(bytes, 0, 3);
    const { records, drops } = readAll(bytes);
    expect(records).toEqual([big]);
    expect(dropped(drops)).toBe(3);
    expect(drops[0].reason).toMatch(/partial record without end/);
  });

  it('error joins records: FIRST of one and LAST of another are never joined across a bad block', () => {
    const log = new MemoryLog()
      .write(bigString('foo', BLOCK_SIZE))
      .write(bigString('bar', BLOCK_SIZE))
      .write('correct');
    const bytes = log.contents();
    bytes.fill('x'.charCodeAt(0), BLOCK_SIZE, 2 * BLOCK_SIZE);
    const { records, drops } = readAll(bytes);
    expect(records).toEqual(['correct']);
    expect(dropped(drops)).toBeGreaterThanOrEqual(2 * BLOCK_SIZE);
    expect(dropped(drops)).toBeLessThanOrEqual(2 * BLOCK_SIZE + 100);
  });

  it('zero-length record of type zero (a preallocated, zeroed region) is dropped, not read', () => {
    const bytes = new Uint8Array(HEADER_SIZE + 50);
    bytes.set(new MemoryLog().write('foo').contents(), 0);
    const { records, drops } = readAll(bytes);
    expect(records).toEqual(['foo']);
    expect(drops).toEqual([{ offset: 10, bytes: 47, reason: 'zeroed bytes' }]);
  });
});

describe('log format: a preallocated (zero-filled) tail', () => {
  it('zeros from the next header to a block-aligned end are the clean end: every record, nothing dropped', () => {
    const log = new MemoryLog()
      .write('foo')
      .write(bigString('big', BLOCK_SIZE + 100))
      .write('bar');
    for (const blocks of [0, 1, 3]) {
      const bytes = preallocated(log.contents(), blocks);
      expect(bytes.length % BLOCK_SIZE).toBe(0);
      expect(readAll(bytes)).toEqual({
        records: ['foo', bigString('big', BLOCK_SIZE + 100), 'bar'],
        drops: [],
      });
    }
  });

  it('a log that is all zeros (preallocated, nothing appended) has no records and reports nothing', () => {
    expect(readAll(new Uint8Array(4 * BLOCK_SIZE))).toEqual({ records: [], drops: [] });
  });

  it('a record ending in the trailer of a block, zeros after it to the end: the clean end', () => {
    const first = bigString('t', BLOCK_SIZE - 2 * HEADER_SIZE - 3);
    const log = new MemoryLog().write(first);
    expect(BLOCK_SIZE - log.length).toBe(HEADER_SIZE + 3);
    log.write('ab');
    expect(BLOCK_SIZE - log.length).toBeLessThan(HEADER_SIZE);
    expect(readAll(preallocated(log.contents(), 2))).toEqual({ records: [first, 'ab'], drops: [] });
  });

  it('zeros mid-file followed by a record are dropped as zeroed bytes, not read as the end', () => {
    const bytes = preallocated(new MemoryLog().write('foo').contents(), 2);
    const bar = new TextEncoder().encode('bar');
    encodeRecord(bar, 0, bytes, BLOCK_SIZE);
    const { records, drops } = readAll(bytes);
    expect(drops).toEqual([
      { offset: HEADER_SIZE + 3, bytes: BLOCK_SIZE - HEADER_SIZE - 3, reason: 'zeroed bytes' },
    ]);
    expect(records).toEqual(['foo', 'bar']);
  });

  it('a single non-zero byte anywhere after a zeroed header keeps it a drop', () => {
    for (const at of [HEADER_SIZE + 3 + HEADER_SIZE, BLOCK_SIZE - 1, 2 * BLOCK_SIZE - 1]) {
      const bytes = preallocated(new MemoryLog().write('foo').contents(), 1);
      bytes[at] = 1;
      const { records, drops } = readAll(bytes);
      expect(records).toEqual(['foo']);
      expect(drops.length, `non-zero byte at ${at}`).toBeGreaterThan(0);
      expect(drops[0]).toMatchObject({ offset: HEADER_SIZE + 3, reason: 'zeroed bytes' });
    }
  });

  it('a torn record just before the zeroed tail is a drop; the records before it survive, none is invented', () => {
    const full = new MemoryLog().write('foo').write('barbaz').contents();
    for (const kept of [1, 3, HEADER_SIZE, HEADER_SIZE + 4]) {
      // Only the first `kept` bytes of the second record reached the preallocated space.
      const bytes = preallocated(full.slice(0, HEADER_SIZE + 3 + kept), 1);
      const { records, drops } = readAll(bytes);
      expect(records, `kept ${kept}`).toEqual(['foo']);
      expect(drops.length, `kept ${kept}`).toBe(1);
      expect(drops[0].offset).toBe(HEADER_SIZE + 3);
    }
  });
});
