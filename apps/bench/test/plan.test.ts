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
