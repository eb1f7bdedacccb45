import { describe, expect, it } from 'vitest';
import { yamlSpot } from './yaml-path';

const doc = `name: x
image:
  repository: shop/orders
  ta
gates:
  health:
    noOOM
rollback: a
stages:
  - name: fat
    groups:
      - group: fat
        da
  - na`.split('\n');
const at = (line: number) => yamlSpot(doc, line, doc[line]!.length);

describe('yamlSpot', () => {
  it('finds the mapping path of a key being typed, through list items', () => {
    expect(at(3)).toMatchObject({ path: ['image'], word: 'ta' });
    expect(at(6)).toMatchObject({ path: ['gates', 'health'], word: 'noOOM' });
    expect(at(12)).toMatchObject({ path: ['stages', 'groups'], word: 'da' });
    expect(at(13)).toMatchObject({ path: ['stages'], word: 'na' });
    expect(at(0)).toMatchObject({ path: [], valueKey: 'name', word: 'x' });
  });
  it('completes a value after "key:"', () => {
    expect(at(7)).toMatchObject({ path: [], valueKey: 'rollback', word: 'a' });
  });
});
