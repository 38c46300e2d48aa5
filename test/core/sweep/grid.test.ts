// Sweep grids: flag parsing with the bad value named, cartesian expansion in itertools.product order, labels.
import { describe, expect, it } from 'vitest';
import {
  expandGrid,
  gridSize,
  numericValues,
  parseSweepAxes,
  parseSweepAxis,
  pointLabel,
  pointSlug,
} from '../../../src/core/sweep/grid';

describe('parseSweepAxis', () => {
  it('reads numbers when every value is one, strings otherwise', () => {
    expect(parseSweepAxis('k=16,32,64')).toEqual({ name: 'k', values: [16, 32, 64] });
    expect(parseSweepAxis('lr=1e-3, 0.0005')).toEqual({ name: 'lr', values: [0.001, 0.0005] });
    expect(parseSweepAxis('arch=topk,relu')).toEqual({ name: 'arch', values: ['topk', 'relu'] });
    expect(parseSweepAxis('layer=all')).toEqual({ name: 'layer', values: ['all'] });
    // One non-number makes the whole axis strings, so `1` and `'1'` never mix within an axis.
    expect(parseSweepAxis('C=1,x')).toEqual({ name: 'C', values: ['1', 'x'] });
  });

  it('names the bad part of the flag', () => {
    expect(() => parseSweepAxis('k')).toThrow(/name=v1,v2/);
    expect(() => parseSweepAxis('=1,2')).toThrow(/name ""/);
    expect(() => parseSweepAxis('k=16,,32')).toThrow(/empty value/);
    expect(() => parseSweepAxis('k=')).toThrow(/empty value/);
    expect(() => parseSweepAxis('k=16,16')).toThrow(/"16" is given twice/);
    expect(() => parseSweepAxis('k=16,16.0')).toThrow(/given twice/);
    expect(() => parseSweepAxis(`${'x'.repeat(500)}`)).toThrow(/…/);
  });

  it('refuses an axis named twice', () => {
    expect(() => parseSweepAxes(['k=1,2', 'k=3'])).toThrow(/--sweep k is given twice/);
  });
});

describe('expandGrid', () => {
  it('varies the first axis slowest, like itertools.product', () => {
    const axes = parseSweepAxes(['k=16,32,64', 'd-sae=1024,4096']);
    const points = expandGrid(axes);
    expect(gridSize(axes)).toBe(6);
    expect(points.map((p) => pointLabel(p, axes))).toEqual([
      'k=16 d-sae=1024',
      'k=16 d-sae=4096',
      'k=32 d-sae=1024',
      'k=32 d-sae=4096',
      'k=64 d-sae=1024',
      'k=64 d-sae=4096',
    ]);
  });

  it('has one empty point for no axes, and as many points as the product of axis lengths', () => {
    expect(expandGrid([])).toEqual([{}]);
    expect(gridSize([])).toBe(1);
    const axes = parseSweepAxes(['a=1,2', 'b=x,y,z', 'c=5', 'd=1,2,3,4']);
    const points = expandGrid(axes);
    expect(points.length).toBe(24);
    expect(new Set(points.map((p) => pointLabel(p))).size).toBe(24);
    expect(points[23]).toEqual({ a: 2, b: 'z', c: 5, d: 4 });
  });
});

describe('labels', () => {
  it('slugs are folder-safe and distinct', () => {
    const axes = parseSweepAxes(['arch=top/k,re lu', 'lr=1e-3']);
    const slugs = expandGrid(axes).map((p) => pointSlug(p, axes));
    expect(slugs).toEqual(['arch-top_k_lr-0.001', 'arch-re_lu_lr-0.001']);
    expect(pointSlug({})).toBe('single');
  });
});

describe('numericValues', () => {
  it('checks integers and bounds, naming the value', () => {
    expect(numericValues(parseSweepAxis('k=16,32'), { integer: true, min: 1 })).toEqual([16, 32]);
    expect(() => numericValues(parseSweepAxis('k=16,2.5'), { integer: true })).toThrow(/"2.5" is not an integer/);
    expect(() => numericValues(parseSweepAxis('k=0'), { min: 1 })).toThrow(/"0" is not a number ≥ 1/);
    expect(() => numericValues(parseSweepAxis('k=a'))).toThrow(/"a" is not a number/);
  });
});
