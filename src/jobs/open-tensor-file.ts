// Opens any supported activation, label or metadata file for the worker's store: container formats through
// the core's openDataFile (tensors read lazily), tables as columns.

import type { ByteSource } from '../core/formats/byte-source';
import { openDataFile } from '../core/formats/open-file';
import type { TensorEntry } from '../core/formats/tensor-entry';
import type { TableColumn } from './dataset-store';

export interface OpenedTensorFile {
  kind: string;
  tensors: TensorEntry[];
  columns: TableColumn[];
  /** Frees what the parser holds (HDF5 keeps the file open in libhdf5). */
  close?: () => void;
}

export async function openTensorFile(source: ByteSource): Promise<OpenedTensorFile> {
  const opened = await openDataFile(source);
  return {
    kind: opened.kind,
    tensors: opened.tensors,
    columns: (opened.table?.columns ?? []).map((c) => ({ name: c.name, values: c.values })),
    close: opened.close,
  };
}
