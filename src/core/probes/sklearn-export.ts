// A logistic probe's setup as a short scikit-learn script: the same files (read with numpy where the format
// allows), the exact train/test rows, standardisation, C and class weights; it prints one JSON line with the
// held-out accuracy, so a Python pipeline can report the number Probelab showed.
import type { LogisticConfig } from './logistic';

export interface SklearnArrayFile {
  /** The path written into the script, relative to the script's folder unless absolute. */
  path: string;
  /** Tensor key (npz/safetensors/h5) or column (csv/jsonl); '' for a bare .npy. */
  key: string;
}

export interface SklearnProbeSetup {
  activations: SklearnArrayFile;
  labels: SklearnArrayFile;
  config: Pick<LogisticConfig, 'C' | 'standardize' | 'classWeight'>;
  trainIdx: ArrayLike<number>;
  testIdx: ArrayLike<number>;
  /** Probelab's held-out accuracy, printed beside scikit-learn's for the reader. */
  probelabTestAccuracy: number | null;
}

/** Formats the script reads with numpy alone, plus h5 (h5py) and text tables (csv, json); never pickles. */
const READABLE = ['.npy', '.npz', '.safetensors', '.h5', '.hdf5', '.csv', '.tsv', '.jsonl', '.json'];

export function sklearnReadable(path: string): boolean {
  const lower = path.toLowerCase();
  return READABLE.some((ext) => lower.endsWith(ext));
}

/**
 * The block of the script that names the files (paths relative to the script) and Probelab's own number: the
 * only part that depends on where the script is written and which engine ran the probe.
 */
export const FILES_BEGIN = "# --- this run: files (paths relative to this script) and Probelab's held-out accuracy ---";
export const FILES_END = '# --- end of this run ---';

function indexList(idx: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let i = 0; i < idx.length; i += 24)
    parts.push(
      Array.from(idx)
        .slice(i, i + 24)
        .join(', '),
    );
  return `[\n    ${parts.join(',\n    ')},\n]`;
}

const LOADER = `def load(path, key):
    """One array from a file, with numpy (h5py for HDF5); pickled formats (.pt) are never opened."""
    p = pathlib.Path(path)
    if not p.is_absolute():
        p = pathlib.Path(__file__).resolve().parent / p
    ext = p.suffix.lower()
    if ext == ".npy":
        return np.load(p, allow_pickle=False)
    if ext == ".npz":
        with np.load(p, allow_pickle=False) as z:
            return z[key]
    if ext == ".safetensors":
        raw = p.read_bytes()
        n = int.from_bytes(raw[:8], "little")
        meta = json.loads(raw[8:8 + n])[key]
        start, end = meta["data_offsets"]
        buf = raw[8 + n + start:8 + n + end]
        if meta["dtype"] == "BF16":
            a = (np.frombuffer(buf, "<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            dt = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
                  "I8": "i1", "U8": "u1", "BOOL": "?"}[meta["dtype"]]
            a = np.frombuffer(buf, dt)
        return a.reshape(meta["shape"])
    if ext in (".h5", ".hdf5"):
        import h5py
        with h5py.File(p, "r") as f:
            return f[key][()]
    if ext in (".csv", ".tsv"):
        with open(p, newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\\t" if ext == ".tsv" else ","))
        return np.array([r[key] for r in rows])
    if ext in (".jsonl", ".json"):
        text = p.read_text()
        rows = [json.loads(line) for line in text.splitlines() if line.strip()] if ext == ".jsonl" else json.loads(text)
        return np.array([r[key] for r in rows])
    sys.exit(f"{p}: this script reads .npy .npz .safetensors .h5 .csv .jsonl; convert the file to one of those")`;

/** The script's text. Row indices are written out, so the split needs no seed or rule to reproduce. */
export function sklearnProbeScript(s: SklearnProbeSetup): string {
  const { C, standardize, classWeight } = s.config;
  return `"""Probelab logistic probe, reproduced with scikit-learn.

Fits LogisticRegression(C=${C}${classWeight === 'balanced' ? ", class_weight='balanced'" : ''}) on the same training rows${standardize ? " after z-scoring with the\ntraining rows' mean and population std (StandardScaler)" : ' without standardisation'} and prints one JSON line with the held-out accuracy.
Probelab minimises sum_i logloss_i + ||w||^2 / (2C) with an unpenalised intercept: scikit-learn's objective.
Run: python3 THIS_SCRIPT.py      (numpy + scikit-learn; h5py only for .h5 files)
"""
import csv
import json
import pathlib
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

${FILES_BEGIN}
ACTIVATIONS = (${JSON.stringify(s.activations.path)}, ${JSON.stringify(s.activations.key)})
LABELS = (${JSON.stringify(s.labels.path)}, ${JSON.stringify(s.labels.key)})
PROBELAB_TEST_ACCURACY = ${s.probelabTestAccuracy ?? 'None'}
${FILES_END}
C = ${C}
CLASS_WEIGHT = ${classWeight === 'balanced' ? '"balanced"' : 'None'}
STANDARDIZE = ${standardize ? 'True' : 'False'}
TRAIN_IDX = ${indexList(s.trainIdx)}
TEST_IDX = ${indexList(s.testIdx)}


${LOADER}


x = load(*ACTIVATIONS).astype(np.float64)
y = load(*LABELS)
y = y.reshape(len(y), -1)[:, 0] if y.ndim > 1 else y
if x.ndim != 2 or len(x) != len(y):
    sys.exit(f"activations {x.shape} and labels {y.shape} cannot be paired")
train, test = np.array(TRAIN_IDX), np.array(TEST_IDX)
if STANDARDIZE:
    scaler = StandardScaler().fit(x[train])
    x = scaler.transform(x)
model = LogisticRegression(C=C, class_weight=CLASS_WEIGHT, solver="lbfgs", tol=1e-8, max_iter=100_000)
model.fit(x[train], y[train])
print(json.dumps({
    "test_accuracy": float(model.score(x[test], y[test])),
    "train_accuracy": float(model.score(x[train], y[train])),
    "train_rows": int(len(train)),
    "test_rows": int(len(test)),
    "probelab_test_accuracy": PROBELAB_TEST_ACCURACY,
}))
`;
}

/** The script with its files block blanked: what stays the same wherever the script and the files lie. */
export function withoutFilesBlock(script: string): string {
  const a = script.indexOf(FILES_BEGIN);
  const b = script.indexOf(FILES_END);
  return a < 0 || b < a ? script : script.slice(0, a) + script.slice(b + FILES_END.length);
}
