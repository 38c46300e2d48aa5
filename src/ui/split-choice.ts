// A split as the Data panel offers it (seeded random, a split file, or whole groups of a column), the default one,
// and a split said in words for the places that use it without showing its controls.
import type { ArrayRef, FileId, FileSummary } from '../protocol';

/** The dataset's split (or a method's override). */
export type SplitChoice =
  | { kind: 'random'; testFraction: number; seed: number; stratify: boolean }
  | { kind: 'file'; fileId: FileId }
  | { kind: 'group'; column: ArrayRef; testFraction: number; seed: number };

/** The default held-out fraction and seed of a fresh random split. */
export const RANDOM_SPLIT: SplitChoice = { kind: 'random', testFraction: 0.25, seed: 0, stratify: true };

export function describeSplit(split: SplitChoice, files: FileSummary[], overridden = false): string {
  const whose = overridden ? "this method's own split (Data panel)" : "the Data panel's split";
  const name = (id: string) => files.find((f) => f.fileId === id)?.name ?? 'a split file';
  if (split.kind === 'file') return `${whose}, from ${name(split.fileId)}`;
  if (split.kind === 'group')
    return `${whose}: whole groups of ${split.column.key || name(split.column.fileId)}, ${Math.round(100 * split.testFraction)}% held out (seed ${split.seed})`;
  return `${whose}: ${Math.round(100 * split.testFraction)}% of rows at random (seed ${split.seed})`;
}
