// Validation shared by the closed-form probes: a binary or multi-class dataset with every class in the
// training rows, and the standardization fitted on those rows only.

import { fitStandardization, identityStandardization, type Standardization } from '../math/standardize';
import type { Split } from '../split/split';
import type { ProbeDataset } from './logistic';

export function trainStandardization(data: ProbeDataset, split: Split, standardize: boolean): Standardization {
  return standardize ? fitStandardization(data.x, data.cols, split.train) : identityStandardization(data.cols);
}

export function requireClasses(data: ProbeDataset, method: string, binaryOnly: boolean): number {
  const K = data.classes.length;
  if (K < 2) throw new Error(`${method} needs at least two classes; the labels have ${K}`);
  if (binaryOnly && K !== 2)
    throw new Error(
      `${method} is a binary probe; the labels have ${K} classes (${data.classes.slice(0, 5).join(', ')}${K > 5 ? ', …' : ''})`,
    );
  return K;
}
