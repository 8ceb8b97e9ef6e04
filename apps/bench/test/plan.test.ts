import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/args.js';
import type { Discovery } from '../src/discover.js';
import { notApplicable, planJobs, selectSystems } from '../src/plan.js';
import { backendCapabilities, PEERS } from '../src/systems/index.js';
import type { SystemSpec } from '../src/systems/types.js';

const skiplist: SystemSpec = {
  name: 'skiplist',
  kind: 'backend',
  adapter: 'memrep',
  packageName: '@memrep/skiplist',
  tableClass: 'SkipListTable',
  capabilities: backendCapabilities(true),
};
const reference: SystemSpec = {
  name: 'reference',
  kind: 'backend',
  adapter: 'reference',
  capabilities: backendCapabilities(false),
  maxNum: 20_000,
};
const map = PEERS.find((p) => p.name === 'map')!;
const btree = PEERS.find((p) => p.name === 'sorted-btree')!;
const sonic = PEERS.find((p) => p.name === 'sonic-forest')!;
const classic = PEERS.find((p) => p.name === 'classic-level')!;
const memoryLevel = PEERS.find((p) => p.name === 'memory-level')!;
const writable: SystemSpec = {
  ...skiplist,
  name: 'writable',
  capabilities: backendCapabilities(true, { concurrentWrites: true }),
};
const level = (durable: boolean): SystemSpec => ({
  name: 'level-skiplist',
  kind: 'backend',
  adapter: 'level',
  packageName: '@memrep/level',
  className: 'MemrepLevel',
  backend: 'skiplist',
  capabilities: backendCapabilities(false, { durable }),
});
const discovery: Discovery = {
  systems: [skiplist, reference, ...PEERS],
  defaults: ['skiplist', ...PEERS.map((p) => p.name)],
  notes: [],
};

describe('which system can run what', () => {
  it('an unsorted peer has no ordered reads; only sharing backends do readwhilewriting', () => {
    expect(notApplicable(map, 'scan', 1000, 16)).toMatch(/unsorted/);
    expect(notApplicable(map, 'readrandom', 1000, 16)).toBeUndefined();
    expect(notApplicable(btree, 'readwhilewriting', 1000, 16)).toMatch(/share/);
    expect(notApplicable(skiplist, 'readwhilewriting', 1000, 16)).toBeUndefined();
  });

  it('the reference table runs only at small N', () => {
    expect(notApplicable(reference, 'fillrandom', 20_000, 16)).toBeUndefined();
    expect(notApplicable(reference, 'fillrandom', 20_001, 16)).toMatch(/N <= 20,000/);
  });

  it('prefixscan needs keys longer than the prefix', () => {
    expect(notApplicable(btree, 'prefixscan', 1000, 4)).toMatch(/longer/);
  });
});

describe('the new workloads: who runs them', () => {
  it('flush needs an in-order walk; interleaved a range with a limit', () => {
    for (const s of [skiplist, btree, sonic, memoryLevel]) {
      expect(notApplicable(s, 'flush', 1000, 16)).toBeUndefined();
    }
    expect(notApplicable(map, 'flush', 1000, 16)).toMatch(/unsorted/);
    for (const s of [skiplist, btree, memoryLevel, level(false)]) {
      expect(notApplicable(s, 'interleaved', 1000, 16)).toBeUndefined();
    }
    expect(notApplicable(map, 'interleaved', 1000, 16)).toMatch(/unsorted/);
    expect(notApplicable(sonic, 'interleaved', 1000, 16)).toMatch(/no iterator, seek or range/);
  });

  it('sonic-forest does what its set/get and a node walk can: no cursor, seek or prefix', () => {
    for (const w of ['fillrandom', 'readrandom', 'scan', 'memory'] as const) {
      expect(notApplicable(sonic, w, 1000, 16)).toBeUndefined();
    }
    for (const w of ['scancursor', 'seekrandom', 'prefixscan', 'readwhilewriting'] as const) {
      expect(notApplicable(sonic, w, 1000, 16)).toBeDefined();
    }
  });

  it('durable and recover: classic-level and a level adapter that declares permanence only', () => {
    for (const w of ['durable', 'recover'] as const) {
      expect(notApplicable(classic, w, 1000, 16)).toBeUndefined();
      expect(notApplicable(level(true), w, 1000, 16)).toBeUndefined();
      expect(notApplicable(level(false), w, 1000, 16)).toMatch(/permanence/);
      expect(notApplicable(skiplist, w, 1000, 16)).toMatch(/in memory only/);
      expect(notApplicable(memoryLevel, w, 1000, 16)).toMatch(/in memory only/);
    }
    expect(notApplicable(classic, 'fillrandom', 1000, 16)).toMatch(/durable and recover only/);
    expect(notApplicable(classic, 'flush', 1000, 16)).toMatch(/durable and recover only/);
  });

  it('W writers: only backends that declare concurrentWrites; one writer: everyone', () => {
    expect(notApplicable(writable, 'fillrandom', 1000, 16, 2)).toBeUndefined();
    expect(notApplicable(skiplist, 'fillrandom', 1000, 16, 2)).toMatch(/concurrentWrites/);
    expect(notApplicable(btree, 'fillrandom', 1000, 16, 2)).toMatch(/concurrentWrites/);
    expect(notApplicable(skiplist, 'fillrandom', 1000, 16, 1)).toBeUndefined();
  });

  it('plans durable as four variants and fillrandom --writers after plain fillrandom', () => {
    const config = parseCliArgs(['--workloads', 'fillrandom,durable', '--writers', '2']);
    const plan = planJobs(config, [writable, skiplist, classic]);
    const line = (p: (typeof plan)[number]) =>
      `${p.job.workload}${p.job.writers ? `x${p.job.writers}` : ''}${p.job.durable ? `/${p.job.durable.batch}${p.job.durable.sync ? 's' : ''}` : ''}/${p.job.system.name}/${p.na === undefined}`;
    expect(plan.map(line)).toEqual([
      'fillrandom/writable/true',
      'fillrandom/skiplist/true',
      'fillrandom/classic-level/false',
      'fillrandomx2/writable/true',
      'fillrandomx2/skiplist/false',
      'fillrandomx2/classic-level/false',
      ...['1', '100', '1s', '100s'].flatMap((v) => [
        `durable/${v}/writable/false`,
        `durable/${v}/skiplist/false`,
        `durable/${v}/classic-level/true`,
      ]),
    ]);
  });

  it('without --writers there is no W-writer run', () => {
    const plan = planJobs(parseCliArgs(['--workloads', 'fillrandom']), [writable]);
    expect(plan.map((p) => p.job.writers)).toEqual([undefined]);
  });
});

describe('selectSystems', () => {
  it('defaults to the discovered defaults, in report order', () => {
    const names = selectSystems(parseCliArgs([]), discovery).systems.map((s) => s.name);
    expect(names).toEqual(['skiplist', ...PEERS.map((p) => p.name)]);
  });

  it('leaves the reference stand-in out of a default run above its N, with a note', () => {
    const withReference = { ...discovery, defaults: ['reference', ...discovery.defaults] };
    const small = selectSystems(parseCliArgs(['--num', '20000']), withReference);
    expect(small.systems.map((s) => s.name)).toContain('reference');
    const big = selectSystems(parseCliArgs(['--num', '20001']), withReference);
    expect(big.systems.map((s) => s.name)).not.toContain('reference');
    expect(big.notes[0]).toMatch(/reference: not run at N = 20,001/);
  });

  it('takes any known system by name, and names the unknown ones', () => {
    const { systems } = selectSystems(parseCliArgs(['--systems', 'map,reference']), discovery);
    expect(systems.map((s) => s.name)).toEqual(['reference', 'map']);
    expect(() => selectSystems(parseCliArgs(['--systems', 'map,nope']), discovery)).toThrow(
      /unknown or unavailable system: nope; available: skiplist, reference/,
    );
  });
});

describe('planJobs', () => {
  it('groups jobs by workload and marks what is n/a without running it', () => {
    const config = parseCliArgs([
      '--workloads',
      'fillrandom,scan',
      '--num',
      '1000',
      '--repeat',
      '2',
    ]);
    const plan = planJobs(config, [skiplist, map]);
    expect(plan.map((p) => `${p.job.workload}/${p.job.system.name}/${p.na === undefined}`)).toEqual(
      ['fillrandom/skiplist/true', 'fillrandom/map/true', 'scan/skiplist/true', 'scan/map/false'],
    );
    expect(plan[0].job).toMatchObject({
      num: 1000,
      repeat: 2,
      keySize: 16,
      valueSize: 100,
      seed: 1,
    });
  });

  it('--scale adds the scaling points the main run does not already cover', () => {
    const config = parseCliArgs(['--workloads', 'fillrandom', '--num', '100000', '--scale']);
    const plan = planJobs(config, [btree]);
    expect(plan.map((p) => `${p.job.workload}@${p.job.num}`)).toEqual([
      'fillrandom@100000',
      'fillrandom@10000',
      'fillrandom@1000000',
      'readrandom@10000',
      'readrandom@100000',
      'readrandom@1000000',
      'scan@10000',
      'scan@100000',
      'scan@1000000',
    ]);
  });
});
