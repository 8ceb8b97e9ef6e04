import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemtableList } from '@memrep/lsm';
import { createTable } from '@memrep/skiplist';
import { type LogDrop, LogReader } from '@memrep/wal';
import { afterAll, describe, expect, it } from 'vitest';
import { MemrepLevel, type MemrepLevelOptions } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'memrep-level-durable-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `db-${++n}`);

async function openAt(dir: string, options: MemrepLevelOptions = {}): Promise<MemrepLevel> {
  const db = new MemrepLevel(dir, { writeBufferSize: 2048, ...options });
  await db.open();
  return db;
}

const utf8 = new TextEncoder();
const key = (i: number) => `k${String(i).padStart(5, '0')}`;

describe('MemrepLevel with a location', () => {
  it('declares permanence and recovers puts, deletes, batches and range clears across checkpoints', async () => {
    const dir = freshDir();
    const db = await openAt(dir);
    expect(db.supports.permanence).toBe(true);
    expect(db.supports.createIfMissing).toBe(true);
    const model = new Map<string, string>();
    for (let i = 0; i < 600; i++) {
      await db.put(key(i % 200), `v${i}`);
      model.set(key(i % 200), `v${i}`);
      if (i % 7 === 0) {
        await db.del(key((i * 3) % 200));
        model.delete(key((i * 3) % 200));
      }
    }
    await db.batch([
      { type: 'put', key: 'z1', value: 'a' },
      { type: 'del', key: key(5) },
    ]);
    model.set('z1', 'a');
    model.delete(key(5));
    await db.clear({ gte: key(50), lt: key(60) });
    for (let i = 50; i < 60; i++) model.delete(key(i));
    const files = readdirSync(dir);
    expect(files.some((f) => f.endsWith('.ckpt'))).toBe(true);
    expect(files).toContain('LOCK');
    await db.close();
    expect(readdirSync(dir)).not.toContain('LOCK');
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
    const again = await openAt(dir);
    expect(await again.iterator().all()).toEqual([...model].sort(([a], [b]) => (a < b ? -1 : 1)));
    await again.put('after', 'reopen');
    await again.close();
    const third = await openAt(dir);
    expect(await third.get('after')).toBe('reopen');
    expect(await third.get('z1')).toBe('a');
    await third.close();
  });

  it('files do not depend on the backend: written with one, opened with each other', async () => {
    const dir = freshDir();
    const db = await openAt(dir, { backend: 'skiplist' });
    for (let i = 0; i < 300; i++) await db.put(key(i), `v${i}`);
    await db.clear({ gte: key(10), lt: key(20) });
    await db.del(key(0));
    await db.close();
    const expected = Array.from({ length: 300 }, (_, i) => i)
      .filter((i) => i !== 0 && (i < 10 || i >= 20))
      .map((i) => [key(i), `v${i}`]);
    for (const backend of ['vector', 'hash-skiplist', 'art', 'hash-linklist', 'skiplist']) {
      const other = await openAt(dir, { backend });
      expect(await other.iterator({ gte: 'k', lt: 'l' }).all()).toEqual(expected);
      expect(await other.get('by-vector')).toBe(backend === 'vector' ? undefined : 'x');
      await other.put(`by-${backend}`, 'x');
      await other.close();
    }
  });

  it('a second open of the same location fails with MEMREP_LOCKED; a dead process lock is taken over', async () => {
    const dir = freshDir();
    const db = await openAt(dir);
    const second = new MemrepLevel(dir);
    await expect(second.open()).rejects.toMatchObject({
      code: 'LEVEL_DATABASE_NOT_OPEN',
      cause: { code: 'MEMREP_LOCKED' },
    });
    await db.put('a', '1');
    await db.close();
    // A pid no live process has (above the kernel's pid_max).
    writeFileSync(join(dir, 'LOCK'), '99999999');
    const taken = await openAt(dir);
    expect(await taken.get('a')).toBe('1');
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(String(process.pid));
    await taken.close();
  });

  it('createIfMissing and errorIfExists as in classic-level', async () => {
    const dir = freshDir();
    const missing = new MemrepLevel(dir, { createIfMissing: false } as MemrepLevelOptions);
    await expect(missing.open({ createIfMissing: false })).rejects.toMatchObject({
      cause: { code: 'MEMREP_NOT_FOUND' },
    });
    expect(() => readdirSync(dir)).toThrow();
    const db = await openAt(dir);
    await db.put('a', '1');
    await db.close();
    const exists = new MemrepLevel(dir);
    await expect(exists.open({ errorIfExists: true })).rejects.toMatchObject({
      cause: { code: 'MEMREP_EXISTS' },
    });
    const ok = await openAt(dir);
    expect(await ok.get('a')).toBe('1');
    await ok.close();
  });

  it('a corrupt checkpoint is detected: open fails with MEMREP_CORRUPTION, a leftover .tmp is ignored', async () => {
    const dir = freshDir();
    const db = await openAt(dir);
    for (let i = 0; i < 400; i++) await db.put(key(i), 'v'.repeat(20));
    await db.close();
    writeFileSync(join(dir, '999999.ckpt.tmp'), 'torn');
    const ok = await openAt(dir);
    expect(await ok.keys().all()).toHaveLength(400);
    await ok.close();
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
    const ckpt = readdirSync(dir).filter((f) => f.endsWith('.ckpt'))[0];
    const bytes = readFileSync(join(dir, ckpt));
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(join(dir, ckpt), bytes);
    const bad = new MemrepLevel(dir);
    await expect(bad.open()).rejects.toMatchObject({ cause: { code: 'MEMREP_CORRUPTION' } });
    expect(readdirSync(dir)).not.toContain('LOCK');
  });

  it('sync: true resolves after the log synced; sync must be a boolean, rejected before any change', async () => {
    const dir = freshDir();
    const db = await openAt(dir);
    await db.put('a', '1', { sync: true } as never);
    await Promise.all(
      Array.from({ length: 64 }, (_, i) => db.put(key(i), 'x', { sync: true } as never)),
    );
    await expect(db.put('b', '2', { sync: 'yes' } as never)).rejects.toThrow(
      expect.objectContaining({
        code: 'MEMREP_INVALID_ARGUMENT',
        message: expect.stringMatching(/sync/),
      }),
    );
    expect(await db.get('b')).toBeUndefined();
    await db.batch([{ type: 'put', key: 'c', value: '3' }], { sync: true } as never);
    await db.close();
    const again = await openAt(dir);
    expect(await again.get('a')).toBe('1');
    expect(await again.get('c')).toBe('3');
    expect(await again.keys({ gte: key(0), lte: key(63) }).all()).toHaveLength(64);
    await again.close();
  });

  it('writeBufferSize defaults to 64 MiB with a location (4 MiB in memory)', async () => {
    const value = 'x'.repeat(100 * 1024);
    const durable = new MemrepLevel(freshDir());
    const memory = new MemrepLevel();
    for (const db of [durable, memory]) {
      await db.open();
      for (let i = 0; i < 60; i++) await db.put(key(i), value);
    }
    expect(durable.stats().rotations).toBe(0);
    expect(memory.stats().rotations).toBeGreaterThan(0);
    for (let i = 0; i < 600; i++) await durable.put(key(i), value);
    expect(durable.stats().rotations).toBeGreaterThan(0);
    await durable.close();
    await memory.close();
  });

  it('close checkpoints the memtables: the logs left hold no record (only their preallocated zeros), and the reopen reads the checkpoints', async () => {
    const dir = freshDir();
    const db = await openAt(dir, { writeBufferSize: 1 << 20 });
    for (let i = 0; i < 300; i++) await db.put(key(i), `v${i}`);
    await db.del(key(7));
    expect(readdirSync(dir).some((f) => f.endsWith('.ckpt'))).toBe(false);
    await db.close();
    expect(readdirSync(dir).some((f) => f.endsWith('.ckpt'))).toBe(true);
    const logs = readdirSync(join(dir, 'wal')).filter((f) => f.endsWith('.log'));
    expect(logs.length).toBeGreaterThan(0);
    for (const f of logs) {
      const drops: LogDrop[] = [];
      const reader = new LogReader(readFileSync(join(dir, 'wal', f)), (d) => drops.push(d));
      expect(reader.next(), f).toBeNull();
      expect(drops, f).toEqual([]);
    }
    const again = await openAt(dir, { writeBufferSize: 1 << 20 });
    expect(await again.keys().all()).toHaveLength(299);
    expect(await again.get(key(299))).toBe('v299');
    expect(await again.get(key(7))).toBeUndefined();
    await again.close();
  });

  it('a recovery that fills memtables checkpoints them as it opens, and takes writes after', async () => {
    const dir = freshDir();
    // What a process killed before its close leaves: a log of 300 puts and no checkpoint.
    const list = await MemtableList.open({ createTable, wal: join(dir, 'wal') });
    for (let i = 0; i < 300; i++) await list.put(utf8.encode(key(i)), utf8.encode('v'.repeat(30)));
    await list.close();
    expect(readdirSync(dir).some((f) => f.endsWith('.ckpt'))).toBe(false);
    const small = await openAt(dir, { writeBufferSize: 1024 });
    await small.put('after', 'x');
    await small.compact();
    expect(readdirSync(dir).some((f) => f.endsWith('.ckpt'))).toBe(true);
    await small.close();
    const again = await openAt(dir);
    expect(await again.keys().all()).toHaveLength(301);
    await again.close();
  });
});
