import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureSnapshot, T0 } from '../../src-shared/releases/fixtures';
import { formatPlanProblems, parsePlanYaml } from '../../src-shared/releases/plan-yaml';
import { validatePlan } from '../../src-shared/releases/validate';

const dir = new URL('../../resources/plans/', import.meta.url);

describe('sample plans in resources/plans', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  it('exist', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(`${file} parses and validates against the fixture snapshot`, () => {
      const r = parsePlanYaml(readFileSync(new URL(file, dir), 'utf8'));
      if (!r.ok) throw new Error(formatPlanProblems(r.problems));
      expect(validatePlan(r.plan, fixtureSnapshot(), { now: T0 })).toEqual([]);
    });
  }
});
