import { describe, expect, it } from 'vitest';
import { planKeysAt, planValuesFor } from './plan-keys';

describe('plan keys from the schema', () => {
  it('lists the keys allowed at each level, through arrays', () => {
    expect(planKeysAt([])).toEqual(expect.arrayContaining(['name', 'app', 'image', 'stages', 'gates', 'rollback', 'maxParallelGroups']));
    expect(planKeysAt(['image'])).toEqual(['repository', 'tag', 'digest']);
    expect(planKeysAt(['gates'])).toEqual(expect.arrayContaining(['bake', 'approval', 'soak', 'health']));
    expect(planKeysAt(['gates', 'health'])).toEqual(['noNewRestarts', 'noOOMKilled', 'noCrashLoop', 'readyWithin']);
    expect(planKeysAt(['stages'])).toEqual(['name', 'approval', 'groups']);
    expect(planKeysAt(['stages', 'groups'])).toEqual(expect.arrayContaining(['group', 'datacenter', 'cluster', 'fort']));
    expect(planKeysAt(['nope'])).toEqual([]);
  });
  it('offers enum and boolean values', () => {
    expect(planValuesFor([], 'rollback')).toEqual(['auto', 'manual']);
    expect(planValuesFor(['gates', 'health'], 'noOOMKilled')).toEqual(['true', 'false']);
  });
});
