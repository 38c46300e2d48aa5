#!/usr/bin/env python3
"""Eigenvalues from LAPACK (numpy.linalg.eigh, dsyevd) for the symmetric eigensolver's tests.

Run: `/usr/bin/python3 tools/reference/eigh_reference.py` (Debian 12's python3-numpy 1.24.2); it rewrites
eigh_reference.json beside it. Each matrix comes from an integer rule both sides replay exactly: the MINSTD
generator s ← 48271·s mod (2³¹ − 1) (every product below 2⁵³, so exact in float64 and in JavaScript numbers),
u = s / (2³¹ − 1) − 0.5, drawn in the order the kinds below state. test/core/math/symmetric-eigen-lapack.test.ts
builds the same matrices and reads this JSON; it never runs Python.
"""
import json
import platform
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
M = 2147483647


def draws(seed, count):
    s = seed
    out = np.empty(count)
    for i in range(count):
        s = (s * 48271) % M
        out[i] = s / M - 0.5
    return out


def random_symmetric(n, seed):
    """Upper triangle row by row (j >= i), mirrored."""
    u = draws(seed, n * (n + 1) // 2)
    a = np.zeros((n, n))
    t = 0
    for i in range(n):
        for j in range(i, n):
            a[i, j] = a[j, i] = u[t]
            t += 1
    return a


def low_rank(n, rank, seed):
    """X Xᵀ for X n×rank filled row-major: n − rank eigenvalues are 0 (a big cluster for deflation)."""
    x = draws(seed, n * rank).reshape(n, rank)
    return x @ x.T


def wilkinson(n):
    """W⁺: diagonal |m − i| with m = (n − 1) / 2, unit off-diagonal; eigenvalues in pairs equal to many digits."""
    m = (n - 1) / 2
    return np.diag(np.abs(m - np.arange(n))) + np.diag(np.ones(n - 1), 1) + np.diag(np.ones(n - 1), -1)


def graded(n, seed):
    """D^½ S D^½ with S random symmetric and D = 10^(−8 i / n): entries spanning eight orders of magnitude."""
    s = random_symmetric(n, seed)
    g = 10.0 ** (-4 * np.arange(n) / n)
    return s * g[:, None] * g[None, :]


CASES = [
    {"name": "random-64", "kind": "random", "n": 64, "seed": 11},
    {"name": "random-200", "kind": "random", "n": 200, "seed": 12},
    {"name": "random-256", "kind": "random", "n": 256, "seed": 13},
    {"name": "lowrank-150-r20", "kind": "lowRank", "n": 150, "rank": 20, "seed": 14},
    {"name": "wilkinson-101", "kind": "wilkinson", "n": 101},
    {"name": "graded-160", "kind": "graded", "n": 160, "seed": 15},
]


def build(case):
    if case["kind"] == "random":
        return random_symmetric(case["n"], case["seed"])
    if case["kind"] == "lowRank":
        return low_rank(case["n"], case["rank"], case["seed"])
    if case["kind"] == "wilkinson":
        return wilkinson(case["n"])
    return graded(case["n"], case["seed"])


out = {
    "generator": "numpy.linalg.eigh (LAPACK dsyevd), float64; eigenvalues ascending",
    "numpy": np.__version__,
    "python": platform.python_version(),
    "cases": [],
}
for case in CASES:
    a = build(case)
    w = np.linalg.eigh(a)[0]
    out["cases"].append({**case, "frobenius": float(np.linalg.norm(a)), "eigenvalues": [float(x) for x in w]})
(HERE / "eigh_reference.json").write_text(json.dumps(out, indent=1) + "\n")
