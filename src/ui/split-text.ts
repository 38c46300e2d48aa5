// A split said in words, for the places that use the Data panel's split without showing its controls.
import type { FileSummary } from '../protocol';
import type { SplitChoice } from './workbench.svelte';

export function describeSplit(split: SplitChoice, files: FileSummary[], overridden = false): string {
  const whose = overridden ? "this method's own split (Data panel)" : "the Data panel's split";
  const name = (id: string) => files.find((f) => f.fileId === id)?.name ?? 'a split file';
  if (split.kind === 'file') return `${whose}, from ${name(split.fileId)}`;
  if (split.kind === 'group')
    return `${whose}: whole groups of ${split.column.key || name(split.column.fileId)}, ${Math.round(100 * split.testFraction)}% held out (seed ${split.seed})`;
  return `${whose}: ${Math.round(100 * split.testFraction)}% of rows at random (seed ${split.seed})`;
}
