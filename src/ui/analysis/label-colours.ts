// A categorical colour per label value (up to 12 distinct hues, then repeating), for scatter plots.
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

export function labelColours(labels: string[]): { perPoint: string[]; legend: { label: string; colour: string }[] } {
  const distinct = [...new Set(labels)].sort();
  const colourOf = new Map(distinct.map((l, i) => [l, PALETTE[i % PALETTE.length]]));
  return {
    perPoint: labels.map((l) => colourOf.get(l)!),
    legend: distinct.map((label) => ({ label, colour: colourOf.get(label)! })),
  };
}
