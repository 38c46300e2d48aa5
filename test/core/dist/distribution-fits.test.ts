// Distribution fits against closed forms and values computed independently (Python's math.erf/erfc).
import { describe, expect, test } from 'vitest';
import { erf, erfc } from '../../../src/core/dist/erf';
import { fitGaussian } from '../../../src/core/dist/gaussian';
import { fitExponential } from '../../../src/core/dist/exponential';
import { fitMixture2 } from '../../../src/core/dist/gaussian-mixture';
import { ksStatistic } from '../../../src/core/dist/ks';
import { fitDistributions, scoreFit } from '../../../src/core/dist/distribution-fits';
import { createRng, normal } from '../../../src/core/math/rng';

describe('erf', () => {
  test('matches Python math.erf/erfc to 1e-13 relative across the series/continued-fraction switch', () => {
    const cases: [number, number][] = [[0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527],
      [2.9, 0.9999589021219005], [3.5, 0.9999992569016276], [-1, -0.8427007929497149]];
    for (const [x, e] of cases) expect(Math.abs(erf(x) - e) / Math.abs(e)).toBeLessThan(1e-13);
    const tails: [number, number][] = [[3, 2.2090496998585438e-05], [5, 1.5374597944280351e-12], [-4, 1.999999984582742]];
    for (const [x, e] of tails) expect(Math.abs(erfc(x) - e) / e).toBeLessThan(1e-12);
  });
});

describe('maximum-likelihood fits', () => {
  test('a Gaussian fit is the sample mean and population std; log-lik per point is −½log(2πσ²) − ½', () => {
    const v = [1, 2, 3, 4];
    const f = fitGaussian(v);
    expect(f.mean).toBe(2.5);
    expect(f.std).toBeCloseTo(Math.sqrt(1.25), 15);
    expect(scoreFit(f, v).logLikPerPoint).toBeCloseTo(-0.5 * Math.log(2 * Math.PI * 1.25) - 0.5, 12);
  });
  test('a shifted exponential fit is loc = min, scale = mean − min; log-lik per point is −log(scale) − 1', () => {
    const v = [2, 3, 7];
    const f = fitExponential(v);
    expect(f).toEqual({ kind: 'exponential', loc: 2, scale: 2 });
    expect(scoreFit(f, v).logLikPerPoint).toBeCloseTo(-Math.log(2) - 1, 12);
  });
  test('degenerate inputs are refused, naming the problem', () => {
    expect(() => fitGaussian([3, 3, 3])).toThrow(/std 0/);
    expect(() => fitDistributions([1, NaN, 2, 3])).toThrow(/value 1 is NaN/);
  });
});

describe('KS statistic', () => {
  test('against a uniform CDF, computed by hand at the order statistics', () => {
    // D = max(1/3 − .1, .1, 2/3 − .4, .4 − 1/3, 1 − .7, .7 − 2/3) = 0.3
    expect(ksStatistic([0.7, 0.1, 0.4], (x) => x)).toBeCloseTo(0.3, 15);
  });
  test('of a tiny sample against its own fitted Gaussian (Python reference 0.272032653599526)', () => {
    expect(scoreFit(fitGaussian([-1, 0, 2]), [-1, 0, 2]).ks).toBeCloseTo(0.272032653599526, 12);
  });
});

describe('two-component mixture by seeded EM', () => {
  const random = createRng(7);
  const values = Float64Array.from({ length: 4000 }, (_, i) => (i < 1000 ? -4 + 0.5 * normal(random) : 3 + 1.5 * normal(random)));
  test('recovers well-separated components and beats a single Gaussian in log-likelihood', () => {
    const m = fitMixture2(values, { seed: 1, maxIter: 500, tol: 1e-12 });
    expect(m.converged).toBe(true);
    // Tolerances ≈ 4 standard errors of the generating sample (1000 and 3000 draws).
    expect(Math.abs(m.means[0] + 4)).toBeLessThan(0.07);
    expect(Math.abs(m.means[1] - 3)).toBeLessThan(0.12);
    expect(Math.abs(m.stds[0] - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(m.stds[1] - 1.5)).toBeLessThan(0.08);
    expect(Math.abs(m.weights[0] - 0.25)).toBeLessThan(0.01);
    const [gauss, , mixture] = fitDistributions(values, 1);
    expect(mixture.logLikPerPoint).toBeGreaterThan(gauss.logLikPerPoint + 0.1);
    expect(mixture.ks).toBeLessThan(gauss.ks);
  });
  test('the same seed reproduces the same fit exactly', () => {
    expect(fitMixture2(values, { seed: 3, maxIter: 50, tol: 0 })).toEqual(fitMixture2(values, { seed: 3, maxIter: 50, tol: 0 }));
  });
});
