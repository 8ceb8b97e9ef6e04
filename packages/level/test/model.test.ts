import { describe, expect, it } from 'vitest';
import type { MemrepSnapshot } from '../src/index.js';
import { backends, openDb, prng } from './support.js';

/**
 * The model: a database is a sorted map, a snapshot is a copy of it. Random writes, batches,
 * ranged clears, snapshots and compactions run against a database whose memtables freeze every
 * few writes and against the model; every read (point, ranged, reversed, limited, seeked, from
 * a snapshot) must agree. The seed is in the test name, to replay a failure.
 */
interface Range {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  reverse?: boolean;
  limit?: number;
}

function inModelRange(key: string, r: Range): boolean {
  if (r.gte !== undefined ? key < r.gte : r.gt !== undefined && key <= r.gt) return false;
  if (r.lte !== undefined ? key > r.lte : r.lt !== undefined && key >= r.lt) return false;
  return true;
}

function modelRange(map: Map<string, string>, r: Range): [string, string][] {
  const entries = [...map].filter(([k]) => inModelRange(k, r)).sort(([a], [b]) => (a < b ? -1 : 1));
  if (r.reverse) entries.reverse();
  return r.limit !== undefined && r.limit >= 0 ? entries.slice(0, r.limit) : entries;
}

const KEYS = ['', 'a', 'a0', 'a00', 'a1', 'b', 'b\u0000', 'b\u00ff', 'c', 'ca', 'cb', 'd', 'z'];

describe.each(backends)('against a sorted-map model on $name', ({ backend }) => {
  for (const seed of [1, 7, 42]) {
    it(`random operations agree with the model (seed ${seed})`, async () => {
      const random = prng(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
      const randomRange = (): Range => {
        const r: Range = {};
        const lower = random();
        if (lower < 0.3) r.gt = pick(KEYS);
        else if (lower < 0.6) r.gte = pick(KEYS);
        const upper = random();
        if (upper < 0.3) r.lt = pick(KEYS);
        else if (upper < 0.6) r.lte = pick(KEYS);
        if (random() < 0.5) r.reverse = true;
        if (random() < 0.3) r.limit = Math.floor(random() * 5);
        return r;
      };
      const db = await openDb(backend, { writeBufferSize: 384, maxFrozenTables: 3 });
      const model = new Map<string, string>();
      const snapshots: { snapshot: MemrepSnapshot; model: Map<string, string> }[] = [];
      let value = 0;

      for (let step = 0; step < 1500; step++) {
        const op = random();
        if (op < 0.35) {
          const key = pick(KEYS);
          const v = `v${value++}`;
          await db.put(key, v);
          model.set(key, v);
        } else if (op < 0.5) {
          const key = pick(KEYS);
          await db.del(key);
          model.delete(key);
        } else if (op < 0.6) {
          const ops = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
            random() < 0.7
              ? { type: 'put' as const, key: pick(KEYS), value: `v${value++}` }
              : { type: 'del' as const, key: pick(KEYS) },
          );
          await db.batch(ops);
          for (const o of ops) {
            if (o.type === 'put') model.set(o.key, o.value);
            else model.delete(o.key);
          }
        } else if (op < 0.64) {
          snapshots.push({ snapshot: db.snapshot(), model: new Map(model) });
        } else if (op < 0.67 && snapshots.length > 0) {
          const [closed] = snapshots.splice(Math.floor(random() * snapshots.length), 1);
          await closed.snapshot.close();
        } else if (op < 0.7) {
          const r = randomRange();
          const from = snapshots.length > 0 && random() < 0.3 ? pick(snapshots) : undefined;
          await db.clear(from ? { ...r, snapshot: from.snapshot } : r);
          for (const [key] of modelRange(from ? from.model : model, r)) model.delete(key);
        } else if (op < 0.72) {
          await db.compact();
        } else if (op < 0.82) {
          const r = randomRange();
          expect(await db.iterator(r).all(), JSON.stringify(r)).toEqual(modelRange(model, r));
        } else if (op < 0.86 && snapshots.length > 0) {
          const { snapshot, model: old } = pick(snapshots);
          const r = randomRange();
          expect(await db.keys({ ...r, snapshot }).all()).toEqual(
            modelRange(old, r).map(([k]) => k),
          );
          const key = pick(KEYS);
          expect(await db.get(key, { snapshot })).toBe(old.get(key));
        } else if (op < 0.9) {
          const r = randomRange();
          delete r.limit;
          const target = pick(KEYS);
          const it = db.values(r);
          it.seek(target);
          const got = await it.all();
          const inRange = inModelRange(target, r);
          const expected = modelRange(model, r)
            .filter(([k]) => inRange && (r.reverse ? k <= target : k >= target))
            .map(([, v]) => v);
          expect(got, `${JSON.stringify(r)} seek ${JSON.stringify(target)}`).toEqual(expected);
        } else {
          const keys = [pick(KEYS), pick(KEYS), pick(KEYS)];
          expect(await db.getMany(keys)).toEqual(keys.map((k) => model.get(k)));
          expect(await db.hasMany(keys)).toEqual(keys.map((k) => model.has(k)));
        }
      }
      const stats = db.stats();
      expect(stats.rotations).toBeGreaterThan(10);
      expect(stats.tables.length).toBeLessThanOrEqual(4);
      expect(stats.snapshots).toBe(snapshots.length);
      await db.close();
    });
  }
});
