// Where a method's held-out rows come from: one model for every method, resolved in one place by the worker.
import type { SplitSpec } from '../core/split/split';
import type { ArrayRef, FileId } from './files';

/**
 * A seeded random split (optionally stratified), an explicit split file ({"train_idx", "test_idx"}), or whole
 * groups of a metadata column held out together (rows sharing a value never straddle train and test).
 */
export type SplitRef =
  | SplitSpec
  | { kind: 'file'; fileId: FileId }
  | { kind: 'group'; column: ArrayRef; testFraction: number; seed: number };
