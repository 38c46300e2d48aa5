// `probelab sae` flags map onto the app's SaeConfig: defaults kept, --grad-clip a number or none.
import { expect, test } from 'vitest';
import { parseArgs } from '../../src/cli/args';
import { saeConfigFrom } from '../../src/cli/sae-command';
import { DEFAULT_SAE_CONFIG } from '../../src/core/sae/config';

const parse = (argv: string[]) =>
  saeConfigFrom(parseArgs(['sae', 'acts.npy', ...argv], new Set(['grad-clip', 'k']), new Set()));

test('--grad-clip sets the clip of the global gradient norm, none turns it off, absent keeps the default', () => {
  expect(DEFAULT_SAE_CONFIG.gradClip).toBe(1);
  expect(parse([]).gradClip).toBe(1);
  expect(parse(['--grad-clip', '0.5']).gradClip).toBe(0.5);
  expect(parse(['--grad-clip', 'none']).gradClip).toBeNull();
  expect(() => parse(['--grad-clip', 'off'])).toThrow(/--grad-clip must be a number/);
});
