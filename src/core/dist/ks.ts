// One-sample Kolmogorov-Smirnov statistic D = sup |F_n(x) − F(x)|, evaluated at the order statistics:
// D = max_i max(i/n − F(x_(i)), F(x_(i)) − (i−1)/n). No p-value: with parameters fitted on the same sample the
// classical KS p-value is wrong (Lilliefors), and D alone already answers "how far from this family".

export function ksStatistic(values: ArrayLike<number>, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return NaN;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}
