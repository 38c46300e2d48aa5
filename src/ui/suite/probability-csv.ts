// Per-row probabilities as CSV, one line per evaluated row (train and held-out), with the row's metadata
// columns beside it when a table is loaded. Pure: the caller saves the text.
import type { TableColumn } from '../../core/formats/table';
import type { EvaluatedSide } from '../../protocol';

export function probabilitiesCsv(
  sides: { name: string; side: EvaluatedSide }[],
  classes: string[],
  metadata: TableColumn[] = [],
): string {
  const K = classes.length;
  const header = ['row', 'split', 'predicted', ...classes.map((c) => `p_${c}`), ...metadata.map((c) => c.name)];
  const lines = [header.map(cell).join(',')];
  for (const { name, side } of sides) {
    side.rows.forEach((row, i) => {
      const p = Array.from(side.proba.subarray(i * K, (i + 1) * K));
      const best = p.reduce((b, v, k) => (v > p[b] ? k : b), 0);
      const meta = metadata.map((c) => (row < c.values.length ? String(c.values[row]) : ''));
      lines.push([String(row), name, classes[best] ?? '', ...p.map((v) => String(v)), ...meta].map(cell).join(','));
    });
  }
  return lines.join('\n') + '\n';
}

/** RFC 4180 quoting: only cells with a comma, quote or line break are quoted. */
function cell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
