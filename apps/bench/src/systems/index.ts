import type { Capability } from '../workloads.js';
import type { PeerName, SystemAdapter, SystemSpec } from './types.js';

export type * from './types.js';

const ORDERED: readonly Capability[] = ['scan', 'scanCursor', 'seek', 'prefix'];

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
];

export const PEER_NAMES: readonly PeerName[] = PEERS.map((p) => p.name as PeerName);

/** The system every ratio in the reports is taken against. */
export const BASELINE_SYSTEM = 'sorted-btree';

/** Every memrep table supports the ordered reads; `share` is declared per backend. */
export function backendCapabilities(share: boolean): readonly Capability[] {
  return share ? [...ORDERED, 'share'] : ORDERED;
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
  }
}
