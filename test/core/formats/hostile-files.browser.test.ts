// The hostile-file corpus's browser subset in headless Chromium, through the same openDataFile the worker uses,
// once over bytes and once over a Blob read by slices (as a dropped File is): a typed error or a correct read.
import { describe, expect, it } from 'vitest';
import { blobSource } from '../../../src/core/formats/byte-source';
import { expectGoodRefusal, hostileCorpus, runHostile, type HostileCase } from './hostile-corpus';

const subset = hostileCorpus().filter((c) => c.browser);

/** The same case, its bytes handed over as a Blob (what the page posts to the worker). */
function asBlob(c: HostileCase): HostileCase {
  return {
    ...c,
    make: async () => {
      const source = await c.make();
      let blob: Blob | undefined;
      return {
        name: source.name,
        size: source.size,
        read: async (offset, length) => {
          blob ??= new Blob([(await source.read(0, source.size)) as Uint8Array<ArrayBuffer>]);
          return blobSource(blob, source.name).read(offset, length);
        },
      };
    },
  };
}

describe('hostile files in the browser', () => {
  it('the subset is substantial', () => expect(subset.length).toBeGreaterThanOrEqual(25));
  for (const c of subset) {
    it(`${c.name}: ${c.about}`, async () => {
      // Sources synthesised on read (a 1 GiB storage of zeros) are not copied into a Blob.
      const variants = (await c.make()).size <= 64 << 20 ? [c, asBlob(c)] : [c];
      for (const [i, variant] of variants.entries()) {
        const r = await runHostile(variant);
        if (r.outcome === 'crashed') throw r.error;
        if (c.expect === 'refused') {
          expect(r.outcome, `${c.name} was not refused`).toBe('refused');
          expectGoodRefusal(c, r.error);
        } else if (r.error) throw r.error;
        if (c.read === 'blocks') expect(r.blocks).toBeLessThanOrEqual(c.maxBlocks ?? 64);
        // Bytes are counted on the plain variant (the Blob one reads its whole copy once to build it).
        if (i === 0) expect(r.source.stats.bytes).toBeLessThanOrEqual(c.maxRead ?? 2 * r.source.size + (1 << 20));
      }
    });
  }
});
