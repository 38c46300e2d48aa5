// The CLI's flag parser: a repeatable value flag keeps every value in order, the last one still wins as a scalar.
import { describe, expect, it } from 'vitest';
import { listFlag, parseArgs, stringFlag } from '../../src/cli/args';

describe('parseArgs', () => {
  it('keeps every value of a repeated flag', () => {
    const a = parseArgs(
      ['sae', 'x.npy', '--sweep', 'k=16,32', '--sweep=d-sae=64,128', '--k', '8'],
      new Set(['sweep', 'k']),
      new Set(),
    );
    expect(listFlag(a, 'sweep')).toEqual(['k=16,32', 'd-sae=64,128']);
    expect(stringFlag(a, 'sweep')).toBe('d-sae=64,128');
    expect(listFlag(a, 'k')).toEqual(['8']);
    expect(listFlag(a, 'absent')).toEqual([]);
    expect(a.positional).toEqual(['x.npy']);
  });
});
