// Seeded fuzzing of every format in `npm test`: a short run of the campaigns `npm run fuzz` runs long (see
// test/support/fuzz.ts). Fixtures written by the real libraries and small generated files are mutated and fully
// read; every case must end parsed or in a DataFileError (never another exception or an implausible result).
import { afterAll, describe, expect, it } from 'vitest';
import h5wasm from 'h5wasm';
import { closeFixtures, fixtureBytes } from './fixtures';
import { attempt, campaigns, runCampaign, runPickleCampaign, type CampaignReport } from '../../support/fuzz';

afterAll(closeFixtures);

/** PROBELAB_FUZZ_CASES / PROBELAB_FUZZ_SEED run longer or different campaigns; `npm run fuzz` runs 10,000 each. */
const CASES = Number(process.env.PROBELAB_FUZZ_CASES ?? 1000);
const SEED = Number(process.env.PROBELAB_FUZZ_SEED ?? 0);

async function hdf5Seed(): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const f = new h5wasm.File('/fuzz-test-seed.h5', 'w');
  f.create_group('g').create_dataset({
    name: 'x',
    data: new Float32Array(12),
    shape: [3, 4],
    chunks: [1, 4],
    compression: 'gzip',
  });
  f.close();
  const bytes = FS!.readFile('/fuzz-test-seed.h5') as Uint8Array;
  FS!.unlink('/fuzz-test-seed.h5');
  return bytes;
}

function check(r: CampaignReport) {
  expect(r.failures, r.failures.slice(0, 5).join('\n')).toEqual([]);
  expect(r.parsed + r.refused).toBe(r.cases);
  // Mutations must reach past the first check often enough to exercise deeper code.
  expect(r.refused, r.format).toBeGreaterThan(0);
}

describe('fuzz: every case ends in a clean parse or a DataFileError', async () => {
  const all = campaigns(fixtureBytes, await hdf5Seed());
  for (const [i, c] of all.entries()) {
    it(`${c.format}: ${CASES} mutated files`, async () => {
      // The unmodified seeds parse (malicious.pt is refused as it stands): the fuzz would prove little otherwise.
      for (const s of c.seeds) {
        const { outcome } = await attempt(c.name, s);
        expect(outcome).toBe(s === all[3].seeds[2] ? 'refused' : 'parsed');
      }
      check(await runCampaign(c, CASES, SEED * 1000 + i));
    });
  }
  it('random opcode streams through the restricted pickle reader', () => {
    check(runPickleCampaign(CASES * 5, SEED * 1000 + 99));
  });
});
