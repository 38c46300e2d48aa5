// A categorical colour per label value (up to 12 distinct hues, then repeating), for scatter plots.
const PALETTE = ['#2457c5', '#d9480f', '#2b8a3e', '#862e9c', '#e67700', '#0b7285', '#c2255c', '#5c940d', '#364fc7', '#a61e4d', '#087f5b', '#5f3dc4'];

export function labelColours(labels: string[]): { perPoint: string[]; legend: { label: string; colour: string }[] } {
  const distinct = [...new Set(labels)].sort();
  const colourOf = new Map(distinct.map((l, i) => [l, PALETTE[i % PALETTE.length]]));
  return { perPoint: labels.map((l) => colourOf.get(l)!), legend: distinct.map((label) => ({ label, colour: colourOf.get(label)! })) };
}
