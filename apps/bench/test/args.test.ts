import { describe, expect, it } from 'vitest';
import { DEFAULTS, FULL, parseCliArgs, UsageError } from '../src/args.js';
import { DEFAULT_WORKLOADS, WORKLOADS } from '../src/workloads.js';

describe('parseCliArgs', () => {
  it('gives the quick default run with no flags', () => {
    const c = parseCliArgs([]);
    expect(c.num).toBe(DEFAULTS.num);
    expect(c.repeat).toBe(1);
    expect(c.keySize).toBe(16);
    expect(c.valueSize).toBe(100);
    expect(c.readers).toBe(1);
    expect(c.scale).toBe(false);
    expect(c.systems).toBeUndefined();
    expect(c.workloads).toEqual(DEFAULT_WORKLOADS);
    expect(c.out).toBeUndefined();
  });

  it('--full means a million entries, three runs, every workload and the scaling run', () => {
    const c = parseCliArgs(['--full']);
    expect(c.num).toBe(FULL.num);
    expect(c.repeat).toBe(FULL.repeat);
    expect(c.scale).toBe(true);
    expect(c.workloads).toEqual(WORKLOADS);
  });

  it('a flag given with --full wins over what --full implies', () => {
    const c = parseCliArgs(['--full', '--num', '5000', '--repeat', '2']);
    expect(c.num).toBe(5000);
    expect(c.repeat).toBe(2);
    expect(c.scale).toBe(true);
  });

  it('narrows systems and workloads by comma lists', () => {
    const c = parseCliArgs([
      '--systems',
      'skiplist, sorted-btree',
      '--workloads',
      'fillrandom,readrandom',
    ]);
    expect(c.systems).toEqual(['skiplist', 'sorted-btree']);
    expect(c.workloads).toEqual(['fillrandom', 'readrandom']);
  });

  it('drops a standalone -- that pnpm passes through', () => {
    const c = parseCliArgs(['--', '--num', '1000', '--out', 'dir']);
    expect(c.num).toBe(1000);
    expect(c.out).toBe('dir');
  });

  it('reads counts written with separators, exponents and k/m suffixes', () => {
    expect(parseCliArgs(['--num', '1_000_000']).num).toBe(1_000_000);
    expect(parseCliArgs(['--num', '1e5']).num).toBe(100_000);
    expect(parseCliArgs(['--num', '250k']).num).toBe(250_000);
    expect(parseCliArgs(['--num', '2m']).num).toBe(2_000_000);
    expect(parseCliArgs(['--value-size', '0']).valueSize).toBe(0);
  });

  it('rejects what it cannot run, saying what is allowed', () => {
    expect(() => parseCliArgs(['--num', '0'])).toThrow(/--num must be an integer >= 1/);
    expect(() => parseCliArgs(['--num', 'lots'])).toThrow(UsageError);
    expect(() => parseCliArgs(['--repeat', '1.5'])).toThrow(/--repeat/);
    expect(() => parseCliArgs(['--workloads', 'fillrandom,nope'])).toThrow(
      /unknown workload "nope"/,
    );
    expect(() => parseCliArgs(['--bogus'])).toThrow(UsageError);
    expect(() => parseCliArgs(['--systems', ','])).toThrow(/at least one/);
  });

  it('--writers W adds the W-writer fillrandom run; it needs fillrandom and at most 64', () => {
    expect(parseCliArgs([]).writers).toBe(1);
    expect(parseCliArgs(['--writers', '4']).writers).toBe(4);
    expect(parseCliArgs(['--writers', '2', '--workloads', 'fillrandom,scan']).writers).toBe(2);
    expect(parseCliArgs(['--writers', '1', '--workloads', 'scan']).writers).toBe(1);
    expect(() => parseCliArgs(['--writers', '2', '--workloads', 'scan'])).toThrow(
      /add fillrandom to --workloads/,
    );
    expect(() => parseCliArgs(['--writers', '0'])).toThrow(/--writers must be an integer >= 1/);
    expect(() => parseCliArgs(['--writers', '65'])).toThrow(/at most 64/);
  });

  it('the default run leaves out the on-disk workloads; --full and --workloads take them', () => {
    expect(parseCliArgs([]).workloads).toEqual(
      expect.arrayContaining(['flush', 'interleaved', 'fillrandom']),
    );
    expect(parseCliArgs([]).workloads).not.toContain('durable');
    expect(parseCliArgs([]).workloads).not.toContain('recover');
    expect(parseCliArgs(['--full']).workloads).toEqual(
      expect.arrayContaining(['durable', 'recover']),
    );
    expect(parseCliArgs(['--workloads', 'durable,recover']).workloads).toEqual([
      'durable',
      'recover',
    ]);
  });

  it('takes --scale, --quiet and --help as switches', () => {
    const c = parseCliArgs(['--scale', '--quiet', '-h']);
    expect([c.scale, c.quiet, c.help]).toEqual([true, true, true]);
  });
});
