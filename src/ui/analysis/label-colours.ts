// A categorical colour per label value (up to 12 distinct hues, then repeating), for scatter plots, and the
// legend in natural order: the classes' own order (label code order) when known, else numbers by value and text
// with embedded numbers by number (1, 2, 10, never 1, 10, 2).
// Tableau-like hues chosen to stay apart from each other (and readable on white).
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#ad494a',
];

const collator = new Intl.Collator('en', { numeric: true });

/** Natural order: "2" before "10", "class 9" before "class 10". */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b);
}

export function labelColours(
  labels: readonly string[],
  classes?: readonly string[],
): { perPoint: string[]; legend: { label: string; colour: string }[] } {
  const present = new Set(labels);
  const distinct = classes
    ? [
        ...classes.filter((c) => present.has(c)),
        ...[...present].filter((l) => !classes.includes(l)).sort(naturalCompare),
      ]
    : [...present].sort(naturalCompare);
  const colourOf = new Map(distinct.map((l, i) => [l, PALETTE[i % PALETTE.length]]));
  return {
    perPoint: labels.map((l) => colourOf.get(l)!),
    legend: distinct.map((label) => ({ label, colour: colourOf.get(label)! })),
  };
}
