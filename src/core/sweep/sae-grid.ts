// An SAE sweep's grid: which --sweep axis sets which SaeConfig field, each grid point's full config, and the
// device memory the members need together, with the largest sub-grid that fits when the whole grid does not.
import { rulesOf, SAE_ARCHITECTURES } from '../sae/architecture';
import type { SaeConfig } from '../sae/config';
import { expandGrid, gridSize, numericValues, pointLabel, pointSlug, type GridPoint, type SweepAxis } from './grid';

/** Axis names (the CLI's flag names) and the config field each sets. */
export const SAE_SWEEP_AXES = {
  arch: 'architecture',
  k: 'k',
  sparsity: 'sparsityCoefficient',
  'd-sae': 'dSae',
  lr: 'lr',
  seed: 'seed',
} as const satisfies Record<string, keyof SaeConfig>;
export type SaeSweepAxisName = keyof typeof SAE_SWEEP_AXES;

export interface SaeGridMember {
  point: GridPoint;
  label: string;
  slug: string;
  config: SaeConfig;
}

/** Checks every axis (a known name, values of the field's type) before any member is built. */
export function checkSaeAxes(axes: readonly SweepAxis[]): void {
  for (const a of axes) {
    if (!(a.name in SAE_SWEEP_AXES))
      throw new Error(`--sweep ${a.name}: not a sweepable setting (${Object.keys(SAE_SWEEP_AXES).join(', ')})`);
    if (a.name === 'arch') {
      for (const v of a.values)
        if (!SAE_ARCHITECTURES.includes(v as SaeConfig['architecture']))
          throw new Error(`--sweep arch: ${JSON.stringify(v)} is not one of ${SAE_ARCHITECTURES.join(', ')}`);
    } else if (a.name === 'lr' || a.name === 'sparsity') numericValues(a, { min: 0 });
    else numericValues(a, { integer: true, min: a.name === 'seed' ? 0 : 1 });
  }
}

/** Every grid point's config: the base config with the point's values set, in expandGrid's order. */
export function saeGridMembers(base: SaeConfig, axes: readonly SweepAxis[]): SaeGridMember[] {
  checkSaeAxes(axes);
  return expandGrid(axes).map((point) => memberAt(base, point, axes));
}

/** One grid point's member (also a point added while a sweep runs). */
export function memberAt(base: SaeConfig, point: GridPoint, axes?: readonly SweepAxis[]): SaeGridMember {
  const config: SaeConfig = { ...base };
  for (const [name, v] of Object.entries(point)) {
    const field = SAE_SWEEP_AXES[name as SaeSweepAxisName];
    if (!field) throw new Error(`--sweep ${name}: not a sweepable setting`);
    (config as unknown as Record<string, unknown>)[field] = v;
  }
  return { point, label: pointLabel(point, axes), slug: pointSlug(point, axes), config };
}

/** Where a sweep's members live: the device's per-buffer limits and a budget for all of them together. */
export interface SweepMemoryLimits {
  /** The largest single buffer (min of maxBufferSize and maxStorageBufferBindingSize). */
  maxBufferBytes: number;
  /** All members' device memory together. */
  budgetBytes: number;
}

/**
 * One member's device bytes (f32): parameters, gradients and Adam's two moments, each one packed buffer of
 * W_enc, b_enc, W_dec, b_dec (and JumpReLU's log θ), plus one batch of codes and their gradient [B, m]. Its
 * largest single buffer is the packed parameters (the step kernels chunk the [B, m] buffers by rows).
 */
export function saeMemberBytes(c: SaeConfig, dIn: number): { total: number; largestBuffer: number } {
  const m = c.dSae;
  const params = 2 * dIn * m + m + dIn + (rulesOf(c.architecture).threshold === 'trained' ? m : 0);
  const largestBuffer = 4 * params;
  return { total: 4 * largestBuffer + 2 * 4 * c.batchSize * m, largestBuffer };
}

export type SweepMemoryCheck =
  | { fits: true; totalBytes: number }
  | { fits: false; totalBytes: number; message: string; largestFitting: SweepAxis[] | null };

const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

/**
 * Whether all members fit, checked before any of them is created; if not, the message names the member that
 * breaks a buffer limit, or the largest sub-grid (each axis cut to a prefix of its values, most members first)
 * whose members fit the budget together.
 */
export function checkSweepMemory(
  base: SaeConfig,
  axes: readonly SweepAxis[],
  dIn: number,
  limits: SweepMemoryLimits,
): SweepMemoryCheck {
  const bytesOf = (ax: readonly SweepAxis[]) =>
    saeGridMembers(base, ax).reduce((s, mb) => s + saeMemberBytes(mb.config, dIn).total, 0);
  const total = bytesOf(axes);
  const tooBig = saeGridMembers(base, axes).find(
    (mb) => saeMemberBytes(mb.config, dIn).largestBuffer > limits.maxBufferBytes,
  );
  if (!tooBig && total <= limits.budgetBytes) return { fits: true, totalBytes: total };
  let best: SweepAxis[] | null = null;
  let bestSize = 0;
  // Every combination of prefix lengths: grids are small (a sweep of 10⁴ members would not train anyway).
  const lengths = axes.map(() => 1);
  for (;;) {
    const sub = axes.map((a, i) => ({ name: a.name, values: a.values.slice(0, lengths[i]) }));
    const size = gridSize(sub);
    if (size > bestSize) {
      const members = saeGridMembers(base, sub);
      const ok =
        members.every((mb) => saeMemberBytes(mb.config, dIn).largestBuffer <= limits.maxBufferBytes) &&
        bytesOf(sub) <= limits.budgetBytes;
      if (ok) {
        best = sub;
        bestSize = size;
      }
    }
    let i = 0;
    while (i < axes.length && lengths[i] === axes[i].values.length) lengths[i++] = 1;
    if (i === axes.length) break;
    lengths[i]++;
  }
  const flags = best?.map((a) => `--sweep ${a.name}=${a.values.join(',')}`).join(' ');
  const why = tooBig
    ? `member ${tooBig.label} needs a ${gib(saeMemberBytes(tooBig.config, dIn).largestBuffer)} buffer, over the device's ${gib(limits.maxBufferBytes)} limit`
    : `its ${gridSize(axes)} members need ${gib(total)} together, over the ${gib(limits.budgetBytes)} memory budget`;
  const message = `sweep refused: ${why}; ${best ? `the largest grid that fits is ${flags} (${bestSize} members)` : 'no member of this grid fits'}`;
  return { fits: false, totalBytes: total, message, largestFitting: best };
}
