import { expect, test } from 'vitest';
import { minimizeLbfgs } from '../../../src/core/optim/lbfgs';

test('finds the closed-form minimiser of a convex quadratic', async () => {
  // f(x) = ½ xᵀAx − bᵀx with A = [[4,1],[1,3]], b = [1,2]: minimiser A⁻¹b = [1/11, 7/11].
  const objective = async (x: Float64Array) => {
    const ax = [4 * x[0] + x[1], x[0] + 3 * x[1]];
    return { f: 0.5 * (x[0] * ax[0] + x[1] * ax[1]) - (x[0] + 2 * x[1]), g: Float64Array.from([ax[0] - 1, ax[1] - 2]) };
  };
  const r = await minimizeLbfgs(objective, new Float64Array(2), { gtol: 1e-10, maxIter: 100 });
  expect(r.reason).toBe('converged');
  expect(r.x[0]).toBeCloseTo(1 / 11, 8);
  expect(r.x[1]).toBeCloseTo(7 / 11, 8);
});

test('walks the Rosenbrock valley to (1, 1)', async () => {
  const objective = async (x: Float64Array) => {
    const [a, b] = x;
    return {
      f: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
      g: Float64Array.from([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]),
    };
  };
  const r = await minimizeLbfgs(objective, Float64Array.from([-1.2, 1]), { gtol: 1e-8, maxIter: 500 });
  expect(r.reason).toBe('converged');
  expect(r.x[0]).toBeCloseTo(1, 5);
  expect(r.x[1]).toBeCloseTo(1, 5);
});

test('stops when the callback asks, and reports a non-finite start', async () => {
  const quadratic = async (x: Float64Array) => ({ f: x[0] * x[0], g: Float64Array.from([2 * x[0]]) });
  const stopped = await minimizeLbfgs(quadratic, Float64Array.from([5]), { gtol: 0, maxIter: 50, onIter: () => false });
  expect(stopped.reason).toBe('stopped');
  expect(stopped.iterations).toBe(1);
  const nan = await minimizeLbfgs(async () => ({ f: NaN, g: new Float64Array(1) }), new Float64Array(1), {
    gtol: 1e-6,
    maxIter: 5,
  });
  expect(nan.reason).toBe('non-finite');
});
