import type { BenchConfig } from './args.js';
import { UsageError } from './args.js';
import { PREFIX_LENGTH } from './data.js';
import type { Discovery } from './discover.js';
import type { Job } from './results.js';
import type { SystemSpec } from './systems/types.js';
import { SCALE_NUMS, SCALE_WORKLOADS, WORKLOAD_INFO, type Workload } from './workloads.js';

/** A job to run in a child, or a row that is n/a without running anything. */
export interface PlannedJob {
  readonly job: Job;
  /** Why the system cannot do this workload at this N; undefined: run it. */
  readonly na: string | undefined;
}

/**
 * The systems named by `--systems` (in the order found), or the defaults. A default system
 * that could not run at all at this N (the reference stand-in) is left out, with a note.
 */
export function selectSystems(
  config: BenchConfig,
  discovery: Discovery,
): { systems: SystemSpec[]; notes: string[] } {
  if (config.systems === undefined) {
    const notes: string[] = [];
    const systems = discovery.systems.filter((s) => {
      if (!discovery.defaults.includes(s.name)) return false;
      if (s.adapter === 'reference' && config.num > s.maxNum) {
        notes.push(
          `reference: not run at N = ${config.num.toLocaleString('en-US')} (N <= ${s.maxNum.toLocaleString('en-US')} only; name it in --systems with a smaller --num)`,
        );
        return false;
      }
      return true;
    });
    return { systems, notes };
  }
  const known = new Map(discovery.systems.map((s) => [s.name, s]));
  const unknown = config.systems.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown or unavailable system${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; ` +
        `available: ${[...known.keys()].join(', ')}`,
    );
  }
  return { systems: discovery.systems.filter((s) => config.systems!.includes(s.name)), notes: [] };
}

/** Why `system` cannot run `workload` at `num`, or undefined when it can. */
export function notApplicable(
  system: SystemSpec,
  workload: Workload,
  num: number,
  keySize: number,
): string | undefined {
  if (system.adapter === 'reference' && num > system.maxNum) {
    return `O(n) insert: runs at N <= ${system.maxNum.toLocaleString('en-US')} only`;
  }
  const needs = WORKLOAD_INFO[workload].needs;
  if (needs !== undefined && !system.capabilities.includes(needs)) {
    if (needs === 'share') return 'cannot share a table with worker threads';
    return system.name === 'map' ? 'unsorted: no ordered reads' : `no ${needs} support`;
  }
  if (workload === 'prefixscan' && keySize <= PREFIX_LENGTH) {
    return `keys must be longer than the ${PREFIX_LENGTH}-byte prefix`;
  }
  return undefined;
}

/**
 * Every (system, workload) of the run, grouped by workload so that the systems of one
 * workload run close together in time; then, with `--scale`, the scaling points not already
 * covered by the main run.
 */
export function planJobs(config: BenchConfig, systems: readonly SystemSpec[]): PlannedJob[] {
  const plan: PlannedJob[] = [];
  const add = (workload: Workload, num: number) => {
    for (const system of systems) {
      const job: Job = {
        system,
        workload,
        num,
        keySize: config.keySize,
        valueSize: config.valueSize,
        seed: config.seed,
        repeat: config.repeat,
        readers: config.readers,
      };
      plan.push({ job, na: notApplicable(system, workload, num, config.keySize) });
    }
  };
  for (const workload of config.workloads) add(workload, config.num);
  if (config.scale) {
    for (const workload of SCALE_WORKLOADS) {
      for (const num of SCALE_NUMS) {
        if (num === config.num && config.workloads.includes(workload)) continue;
        add(workload, num);
      }
    }
  }
  return plan;
}
