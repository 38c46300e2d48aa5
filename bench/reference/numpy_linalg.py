#!/usr/bin/python3
"""numpy/scikit-learn reference for bench/cpu.ts, on the very bytes the bench wrote to a scratch folder:
a multinomial logistic fit (StandardScaler + LogisticRegression lbfgs, same C and tolerance as the product's
trainLogisticProbe, held-out accuracy), numpy.linalg.eigh on symmetric f64 matrices, and loading .npy and
.safetensors files from memory (numpy.load over BytesIO; numpy.frombuffer + copy for safetensors, what
safetensors.numpy does) beside a plain copy. Times exclude interpreter start and imports. Prints one JSON document.

Usage: /usr/bin/python3 bench/reference/numpy_linalg.py '{"dir": "/tmp/x", "logistic": {...}, "eigen": [...],
"ingest": {...}}'
"""
import io
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

spec = json.loads(sys.argv[1])
root = spec["dir"]
out = {"numpy": np.__version__, "sklearn": sklearn.__version__, "blas": None}
try:
    cfg = np.show_config(mode="dicts")
    out["blas"] = cfg["Build Dependencies"]["blas"]["name"]
except Exception:  # numpy < 1.25 has no dict mode
    out["blas"] = "see numpy.show_config()"


def best(reps, fn):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1000


if "logistic" in spec:
    L = spec["logistic"]
    N, d = L["N"], L["d"]
    x = np.fromfile(os.path.join(root, "logistic_x.f32"), dtype="<f4").reshape(N, d)
    y = np.fromfile(os.path.join(root, "logistic_y.i32"), dtype="<i4")
    tr, te = slice(0, L["nTrain"]), slice(L["nTrain"], N)
    runs = []
    for _ in range(L["reps"]):
        t0 = time.perf_counter()
        scaler = StandardScaler().fit(x[tr])
        xs = scaler.transform(x)
        m = LogisticRegression(C=L["C"], solver="lbfgs", tol=L["tol"], max_iter=L["maxIter"]).fit(xs[tr], y[tr])
        acc = float((m.predict(xs[te]) == y[te]).mean())
        runs.append({"ms": (time.perf_counter() - t0) * 1000, "iterations": int(m.n_iter_[0]), "testAccuracy": acc})
    out["logistic"] = {"ms": min(r["ms"] for r in runs), "runs": runs}

if "eigen" in spec:
    out["eigen"] = {}
    for n in spec["eigen"]:
        a = np.fromfile(os.path.join(root, f"eigen_{n}.f64"), dtype="<f8").reshape(n, n)
        np.linalg.eigh(a[:64, :64])
        out["eigen"][str(n)] = {"ms": best(1 if n > 1024 else 3, lambda: np.linalg.eigh(a))}

if "ingest" in spec:
    npy = open(os.path.join(root, "ingest.npy"), "rb").read()
    st = open(os.path.join(root, "ingest.safetensors"), "rb").read()
    hlen = int.from_bytes(st[:8], "little")
    header = json.loads(st[8 : 8 + hlen])
    t = header["acts"]
    start = 8 + hlen + t["data_offsets"][0]
    count = int(np.prod(t["shape"]))
    reps = spec["ingest"]["reps"]
    raw = np.frombuffer(npy, dtype=np.uint8)
    dst = np.empty_like(raw)
    first = best(1, lambda: np.load(io.BytesIO(npy)))
    out["ingest"] = {
        "bytes": count * 4,
        # The first load in the process, then the best of `reps`: numpy madvises large arrays onto transparent
        # huge pages, so once the kernel has 2 MB pages at hand a fresh array costs few page faults.
        "numpyLoadFirstMs": first,
        "numpyLoadMs": best(reps, lambda: np.load(io.BytesIO(npy))),
        "safetensorsMs": best(reps, lambda: np.frombuffer(st, dtype="<f4", count=count, offset=start).reshape(t["shape"]).copy()),
        # Into a fresh array each time (page faults included, as every load pays them) and into a reused one.
        "copyMs": best(reps, lambda: raw.copy()),
        "copyIntoMs": best(reps, lambda: np.copyto(dst, raw)),
    }
    # The same loads on 4 KB pages, as every JavaScript ArrayBuffer gets (V8 cannot madvise).
    try:
        np.core.multiarray._set_madvise_hugepage(False)
        out["ingest"]["numpyLoadSmallPagesMs"] = best(reps, lambda: np.load(io.BytesIO(npy)))
        np.core.multiarray._set_madvise_hugepage(True)
    except AttributeError:
        pass

print(json.dumps(out))
