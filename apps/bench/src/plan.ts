import type { BenchConfig } from './args.js';
import { UsageError } from './args.js';
import { PREFIX_LENGTH } from './data.js';
import type { Discovery } from './discover.js';
import type { Job } from './results.js';
import type { SystemSpec } from './systems/types.js';
import type { Capability } from './workloads.js';
import {
  DURABLE_VARIANTS,
  SCALE_NUMS,
  SCALE_WORKLOADS,
  WORKLOAD_INFO,
  type Workload,
} from './workloads.js';

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

/** Why a system lacks a capability, as the n/a rows say it. */
function lacking(system: SystemSpec, needs: Capability): string {
  switch (needs) {
    case 'share':
      return 'cannot share a table with worker threads';
    case 'concurrentWrites':
      return 'no concurrent writers (capabilities.concurrentWrites)';
    case 'durable':
      return system.adapter === 'level'
        ? 'in memory only: the level adapter does not declare permanence yet'
        : 'in memory only: no database in a directory';
    default:
      if (system.name === 'map') return 'unsorted: no ordered reads';
      if (system.name === 'sonic-forest') {
        return 'its radix tree has no iterator, seek or range: only whole in-order walks';
      }
      return `no ${needs} support`;
  }
}

/**
 * Why `system` cannot run `workload` at `num`, or undefined when it can. `writers` > 1: the
 * fillrandom run by that many writer threads.
 */
export function notApplicable(
  system: SystemSpec,
  workload: Workload,
  num: number,
  keySize: number,
  writers = 1,
): string | undefined {
  if (system.adapter === 'reference' && num > system.maxNum) {
    return `O(n) insert: runs at N <= ${system.maxNum.toLocaleString('en-US')} only`;
  }
  if (system.kind === 'peer' && system.only !== undefined) {
    if (!system.only.workloads.includes(workload)) return system.only.why;
  }
  const needs = writers > 1 ? 'concurrentWrites' : WORKLOAD_INFO[workload].needs;
  if (needs !== undefined && !system.capabilities.includes(needs)) return lacking(system, needs);
  if (workload === 'prefixscan' && keySize <= PREFIX_LENGTH) {
    return `keys must be longer than the ${PREFIX_LENGTH}-byte prefix`;
  }
  return undefined;
}

/**
 * Every (system, workload) of the run, grouped by workload so that the systems of one
 * workload run close together in time: durable as one job per variant (batch 1 and 100,
 * sync off and on), fillrandom followed by its `--writers W` run when W > 1; then, with
 * `--scale`, the scaling points not already covered by the main run.
 */
export function planJobs(config: BenchConfig, systems: readonly SystemSpec[]): PlannedJob[] {
  const plan: PlannedJob[] = [];
  const add = (workload: Workload, num: number, variant: Pick<Job, 'writers' | 'durable'> = {}) => {
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
        ...variant,
      };
      const na = notApplicable(system, workload, num, config.keySize, variant.writers);
      plan.push({ job, na });
    }
  };
  for (const workload of config.workloads) {
    if (workload === 'durable') {
      for (const durable of DURABLE_VARIANTS) add(workload, config.num, { durable });
      continue;
    }
    add(workload, config.num);
    if (workload === 'fillrandom' && config.writers > 1) {
      add(workload, config.num, { writers: config.writers });
    }
  }
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
