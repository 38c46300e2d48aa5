// The distribution-fit job: Gaussian, exponential and two-Gaussian-mixture fits of a score vector, each with its
// log-likelihood per point and KS statistic (seeded mixture initialisation).

import { fitDistributions } from '../../core/dist/distribution-fits';
import type { DistributionResult, DistributionSpec } from '../../protocol';

export function runDistribution(spec: DistributionSpec): DistributionResult {
  return { kind: 'distribution', fits: fitDistributions(spec.values, spec.seed), n: spec.values.length };
}
