// What the worker reports about a loaded file, and how a method names an array inside one.

export type FileId = string;

/** A 1-D or 2-D array inside a loaded file: a tensor key, or a column of a table. */
export interface ArrayRef {
  fileId: FileId;
  key: string;
  /** For an [L, N, D] tensor: the layer (axis 0) to use as the [N, D] activations. */
  layer?: number;
  /**
   * For an [N, T, D] tensor: a token position, the mean or last token ([N, D]), or 'flatten' (N*T rows; the
   * labels then repeat per token, which the store does when the labels ref is aligned to these activations).
   */
  token?: number | 'mean' | 'last' | 'flatten';
  /** Drop activation rows holding NaN/Inf instead of refusing them (labels aligned to this ref drop the same rows). */
  dropNonFinite?: boolean;
  /** For labels: the activations they pair with, so they repeat per flattened token and drop the same rows. */
  alignTo?: Omit<ArrayRef, 'alignTo'>;
  /**
   * For row metadata whose rows are not the activations' rows: a column of the same table holding each table row's
   * activation row index. Values land at those rows (rows no id names stay empty); needs `alignTo`.
   */
  rowIds?: string;
}

export interface TensorSummary {
  key: string;
  dtype: string;
  shape: number[];
}

export interface FileSummary {
  fileId: FileId;
  name: string;
  sizeBytes: number;
  /** Container format, e.g. 'npy', 'npz', 'safetensors', 'torch', 'hdf5', 'table', 'split', 'classes'. */
  kind: string;
  tensors: TensorSummary[];
  /** Table columns (CSV/JSONL) usable as labels or metadata. */
  columns: { name: string; numeric: boolean; rows: number }[];
  /** For a split file: the sizes of its index lists. */
  split?: { train: number; test: number };
  /** For a class-name list (e.g. lande_lang_classes.json). */
  classNames?: string[];
  /**
   * Tensors the scan at load found to hold NaN/Inf (absent or empty: none found), with counts, the number of rows
   * (along axis 0) affected and the first positions.
   */
  nonFinite?: {
    key: string;
    nan: number;
    posInf: number;
    negInf: number;
    rows: number;
    first: { row: number; col: number; kind: 'NaN' | '+Inf' | '-Inf' }[];
  }[];
  /** Tensors too large to scan at load; their non-finite values are reported when they are read. */
  unscanned?: string[];
}
