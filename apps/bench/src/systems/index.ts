import { type Capability, DURABLE_WORKLOADS } from '../workloads.js';
import type { DurableAdapter, PeerName, SystemAdapter, SystemSpec } from './types.js';

export type * from './types.js';

const ORDERED: readonly Capability[] = ['scan', 'scanCursor', 'seek', 'prefix', 'range'];

/** The peers, in the order the reports list them; capabilities are what their APIs can do. */
export const PEERS: readonly SystemSpec[] = [
  { name: 'sorted-btree', kind: 'peer', adapter: 'sorted-btree', capabilities: ORDERED },
  { name: 'js-sdsl', kind: 'peer', adapter: 'js-sdsl', capabilities: ORDERED },
  {
    name: 'functional-red-black-tree',
    kind: 'peer',
    adapter: 'functional-red-black-tree',
    capabilities: ORDERED,
  },
  { name: 'memory-level', kind: 'peer', adapter: 'memory-level', capabilities: ORDERED },
  { name: 'map', kind: 'peer', adapter: 'map', capabilities: [] },
  // Its radix tree has no seek, iterator or range: one in-order walk over its nodes (scan).
  { name: 'sonic-forest', kind: 'peer', adapter: 'sonic-forest', capabilities: ['scan'] },
  {
    name: 'classic-level',
    kind: 'peer',
    adapter: 'classic-level',
    capabilities: ['durable'],
    only: {
      workloads: DURABLE_WORKLOADS,
      why: 'a database on disk (LevelDB): runs durable and recover only',
    },
  },
];

export const PEER_NAMES: readonly PeerName[] = PEERS.map((p) => p.name as PeerName);

/** The system every ratio in the reports is taken against. */
export const BASELINE_SYSTEM = 'sorted-btree';

/**
 * Every memrep table supports the ordered reads; `share` and `concurrentWrites` are declared
 * per backend, `durable` per level adapter (its manifest's `permanence`).
 */
export function backendCapabilities(
  share: boolean,
  more: { readonly concurrentWrites?: boolean; readonly durable?: boolean } = {},
): readonly Capability[] {
  const caps: Capability[] = [...ORDERED];
  if (share) caps.push('share');
  if (more.concurrentWrites === true) caps.push('concurrentWrites');
  if (more.durable === true) caps.push('durable');
  return caps;
}

/** Loads only the adapter a child needs, so a child never pays for the others' imports. */
export async function adapterFor(spec: SystemSpec): Promise<SystemAdapter> {
  switch (spec.adapter) {
    case 'memrep':
    case 'reference':
      return (await import('./memrep.js')).memrepAdapter;
    case 'level':
    case 'memory-level':
      return (await import('./level.js')).levelAdapter;
    case 'sorted-btree':
      return (await import('./sorted-btree.js')).sortedBTreeAdapter;
    case 'js-sdsl':
      return (await import('./js-sdsl.js')).jsSdslAdapter;
    case 'functional-red-black-tree':
      return (await import('./functional-red-black-tree.js')).functionalRedBlackTreeAdapter;
    case 'map':
      return (await import('./map.js')).mapAdapter;
    case 'sonic-forest':
      return (await import('./sonic-forest.js')).sonicForestAdapter;
    case 'classic-level':
      return (await import('./level.js')).levelAdapter;
  }
}

/** The durable side of a system (durable, recover): classic-level and the level adapters. */
export async function durableAdapterFor(spec: SystemSpec): Promise<DurableAdapter> {
  if (spec.adapter !== 'classic-level' && spec.adapter !== 'level') {
    throw new Error(`${spec.name} is not a durable database`);
  }
  return (await import('./level.js')).levelAdapter;
}
