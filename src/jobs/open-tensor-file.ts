// Opens any supported activation or label file into tensors (lazily read) and table columns.

import type { ByteSource } from '../core/formats/byte-source';
import { DataFileError } from '../core/formats/errors';
import { openNpy } from '../core/formats/npy';
import { openNpz } from '../core/formats/npz';
import type { TensorEntry } from '../core/formats/tensor-entry';
import type { TableColumn } from './dataset-store';

export interface OpenedTensorFile {
  kind: string;
  tensors: TensorEntry[];
  columns: TableColumn[];
}

export async function openTensorFile(source: ByteSource): Promise<OpenedTensorFile> {
  if (/\.npy$/i.test(source.name)) return { kind: 'npy', tensors: [await openNpy(source)], columns: [] };
  if (/\.npz$/i.test(source.name)) return { kind: 'npz', tensors: await openNpz(source), columns: [] };
  throw new DataFileError(source.name, 'unsupported file type (expected .npy or .npz)');
}
