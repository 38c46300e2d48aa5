import { expect, test } from 'vitest';
import { labelColours, naturalCompare } from '../../../src/ui/analysis/label-colours';

test('legend entries come in natural order, not lexicographic', () => {
  const labels = ['10', '2', '1', '11', '2', '0'];
  expect(labelColours(labels).legend.map((l) => l.label)).toEqual(['0', '1', '2', '10', '11']);
  expect(['class 10', 'class 9', 'class 1'].sort(naturalCompare)).toEqual(['class 1', 'class 9', 'class 10']);
});

test("with class names, the legend follows the classes' own order and shows only those present", () => {
  const classes = ['bul', 'ces', 'cmn', 'deu'];
  const { legend, perPoint } = labelColours(['deu', 'bul', 'deu', 'cmn'], classes);
  expect(legend.map((l) => l.label)).toEqual(['bul', 'cmn', 'deu']);
  // Each point has its class's colour.
  expect(perPoint[0]).toBe(legend[2].colour);
  expect(perPoint[1]).toBe(legend[0].colour);
  expect(new Set(legend.map((l) => l.colour)).size).toBe(3);
});
