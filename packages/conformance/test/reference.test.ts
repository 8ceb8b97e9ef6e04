import type { TableOptions } from '@memrep/core';
import { ReferenceTable, runTableConformance } from '../src/index.js';

runTableConformance({
  name: 'ReferenceTable',
  create: (options?: TableOptions) => new ReferenceTable(options),
  supports: { share: false },
});
