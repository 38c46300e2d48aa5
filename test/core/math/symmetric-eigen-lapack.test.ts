// symmetricEigen on core's plain-JavaScript host kernels against LAPACK on every reference case: random,
// low-rank (a large zero cluster, so divide-and-conquer deflates), Wilkinson's near-equal pairs, graded entries.
import { describe, test } from 'vitest';
import { symmetricEigen } from '../../../src/core/math/linalg';
import { buildEighCase, eighCases, expectMatchesLapack } from '../../support/eigh-cases';

describe('symmetricEigen against LAPACK dsyevd', () => {
  for (const c of eighCases) {
    test(`${c.name}: eigenvalues, ‖AV − VΛ‖ and ‖VᵀV − I‖`, () => {
      const a = buildEighCase(c);
      expectMatchesLapack(c, a, symmetricEigen(a, c.n));
    });
  }
});
