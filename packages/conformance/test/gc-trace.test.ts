import { describe, expect, it } from 'vitest';
import {
  checkFreedShapeControl,
  FREED_SHAPE_CONTROL,
  freedShapeDeopts,
  traceFreedShapeDeopts,
} from '../src/index.js';

describe('traceFreedShapeDeopts', () => {
  it('reports the control script deoptimized pass after pass for a freed hidden class', () => {
    const { output, freed } = traceFreedShapeDeopts(FREED_SHAPE_CONTROL, 'warm');
    expect(output).toMatch(/^sum \d+$/m);
    expect(freed.filter((name) => name === 'read').length).toBeGreaterThan(1);
    expect(() => checkFreedShapeControl(output)).not.toThrow();
  });

  it('fails its positive control when the trace stops saying what it looks for', () => {
    const { output } = traceFreedShapeDeopts(FREED_SHAPE_CONTROL, 'warm');
    const renamed = output.replaceAll('reason: weak objects', 'reason: freed maps');
    expect(freedShapeDeopts(renamed, 'warm')).toEqual([]);
    expect(() => checkFreedShapeControl(renamed)).toThrow(/positive control failed/);
    expect(() => checkFreedShapeControl('warm\nsum 1\n')).toThrow(/positive control failed/);
  });
});
