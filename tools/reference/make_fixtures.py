#!/usr/bin/env python3
"""Copies the test fixtures into test/fixtures/ from the shared fixture set beside the project.

Run once by a maintainer (the tests never read ../shared): `python3 tools/reference/make_fixtures.py [SHARED]`.
Small files are copied byte for byte, so they stay exactly as numpy, PyTorch, h5py and safetensors wrote them.
Files over the repository's 4 MB per-file budget are cut to row subsets with numpy (Debian's python3-numpy):
  - real/lande_*: the same 4,000 rows as the demo, sorted(default_rng(0).choice(23263, 4000, replace=False));
  - planted_acts.npy: its first 8,192 rows (rows are i.i.d., so any prefix is a sample of the same law).
Afterwards run sklearn_reference.py to recompute the reference numbers on exactly these files.
"""
import json
import shutil
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "fixtures"
OUT = ROOT / "test" / "fixtures"

COPIED = [
    "bad_has_nan.npy", "bad_header.npy", "bad_truncated.npy", "breast_cancer.npz", "contrast_pairs.npz",
    "diabetes_X.npy", "diabetes_target.npy", "digits.h5", "digits.safetensors", "digits_bf16.pt",
    "digits_bf16.safetensors", "digits_compressed.npz", "digits_dict.pt", "digits_f16.npy",
    "digits_f16.safetensors", "digits_f32.npy", "digits_f32_bigendian.npy", "digits_f64_fortran.npy",
    "digits_labels.csv", "digits_labels.npy", "digits_legacy.pt", "digits_strided_view.pt",
    "gaussian_mixture_12.npy", "layers.safetensors", "layers_LND.npy", "layers_labels.npy", "malicious.pt",
    "planted_dictionary.npy", "uniform_square.npy",
]
LANDE_ROWS = 4000
PLANTED_ROWS = 8192


def main() -> None:
    (OUT / "real").mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copyfile(SHARED / name, OUT / name)

    planted = np.load(SHARED / "planted_acts.npy")
    np.save(OUT / "planted_acts.npy", np.ascontiguousarray(planted[:PLANTED_ROWS]))

    hidden = np.load(SHARED / "real" / "lande_hidden.npy")
    rows = np.sort(np.random.default_rng(0).choice(hidden.shape[0], LANDE_ROWS, replace=False))
    np.save(OUT / "real" / "lande_hidden.npy", np.ascontiguousarray(hidden[rows]))
    labels = np.load(SHARED / "real" / "lande_lang_labels.npy")
    np.save(OUT / "real" / "lande_lang_labels.npy", labels[rows])
    shutil.copyfile(SHARED / "real" / "lande_lang_classes.json", OUT / "real" / "lande_lang_classes.json")
    meta = (SHARED / "real" / "lande_meta.jsonl").read_text(encoding="utf-8").splitlines()
    keep = set(int(r) for r in rows)
    kept = [line for line in meta if json.loads(line)["row"] in keep]
    assert len(kept) == LANDE_ROWS
    (OUT / "real" / "lande_meta.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")

    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    largest = max(OUT.rglob("*"), key=lambda p: p.stat().st_size if p.is_file() else 0)
    print(f"test/fixtures: {total / 1e6:.1f} MB in all; largest {largest.name} {largest.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
