#!/usr/bin/python3
"""numpy reference for bench/cpu-sae.ts: the same SAE training step as the CPU engine's trainer (TopK with decoder
parallel-component removal and unit decoder rows; ReLU with the decoder-norm-weighted L1), Adam with bias
correction, the global gradient norm and the batch's metric sums, in float32 as a researcher would write it with
dense numpy ops. Prints one JSON document: samples/s per workload, from the median step time.

Usage: /usr/bin/python3 bench/reference/numpy_sae.py '{"workloads": [{"arch": "topk", "d": 48, "m": 384, "k": 4,
"B": 256, "steps": 50}], "minSeconds": 1.0}'
"""
import json
import sys
import time

import numpy as np


def make_step(arch, d, m, k, B, lam):
    rng = np.random.default_rng(0)
    we = (rng.standard_normal((d, m)) / np.sqrt(d)).astype(np.float32)
    be = np.zeros(m, np.float32)
    wd = we.T.copy()
    if arch == 'topk':
        wd /= np.linalg.norm(wd, axis=1, keepdims=True)
    bd = np.zeros(d, np.float32)
    P = [we, be, wd, bd]
    M = [np.zeros_like(p) for p in P]
    V = [np.zeros_like(p) for p in P]
    lr, b1, b2, eps = np.float32(1e-3), 0.9, 0.999, np.float32(1e-8)
    state = {'t': 0}

    def step(x):
        we, be, wd, bd = P
        xc = x - bd
        pre = xc @ we + be
        if arch == 'topk':
            idx = np.argpartition(-pre, k - 1, axis=1)[:, :k]
            vals = np.maximum(np.take_along_axis(pre, idx, 1), 0)
            f = np.zeros_like(pre)
            np.put_along_axis(f, idx, vals, 1)
        else:
            f = np.maximum(pre, 0)
        xh = f @ wd + bd
        err = xh - x
        mse = float((err.astype(np.float64) ** 2).sum() / B)
        g = (2 / B) * err
        gwd = f.T @ g
        gf = g @ wd.T
        aux = 0.0
        if arch == 'relu':
            norms = np.sqrt((wd * wd).sum(1))
            colf = f.sum(0)
            aux = float(lam / B * (colf * norms).sum())
            gwd += (lam / B) * colf[:, None] * wd / np.maximum(norms, 1e-30)[:, None]
            gf += (lam / B) * norms
        gpre = gf * (f > 0)
        gwe = xc.T @ gpre
        gbe = gpre.sum(0)
        gbd = g.sum(0) - we @ gbe
        if arch == 'topk':
            gwd -= ((gwd * wd).sum(1) / (wd * wd).sum(1))[:, None] * wd
        G = [gwe, gbe, gwd, gbd]
        grad_norm = np.sqrt(sum(float(np.dot(gg.ravel().astype(np.float64), gg.ravel())) for gg in G))
        state['t'] += 1
        t = state['t']
        c1, c2 = np.float32(1 / (1 - b1 ** t)), np.float32(1 / (1 - b2 ** t))
        for i in range(4):
            M[i] *= np.float32(b1)
            M[i] += np.float32(1 - b1) * G[i]
            V[i] *= np.float32(b2)
            V[i] += np.float32(1 - b2) * G[i] * G[i]
            P[i] -= lr * c1 * M[i] / (np.sqrt(c2 * V[i]) + eps)
        if arch == 'topk':
            P[2] /= np.linalg.norm(P[2], axis=1, keepdims=True)
        # The batch's metric sums (training metrics), as the trainer returns them.
        fires = (f > 0).sum(0)
        sums = ((x * xh).sum(1), (xh * xh).sum(1), fires, np.abs(f).sum())
        return mse + aux, grad_norm, sums

    return step


def run(w, min_seconds):
    arch, d, m, k, B = w['arch'], w['d'], w['m'], w.get('k', 0), w['B']
    rng = np.random.default_rng(1)
    X = rng.standard_normal((8 * B, d)).astype(np.float32)
    step = make_step(arch, d, m, k, B, w.get('lambda', 0.1))
    for t in range(3):
        step(X[(t % 8) * B:(t % 8 + 1) * B])
    # Each step timed alone and the median reported: on a shared machine a preempted step is an outlier, not a cost.
    times = []
    t0 = time.perf_counter()
    while len(times) < w.get('steps', 20) or time.perf_counter() - t0 < min_seconds:
        s0 = time.perf_counter()
        step(X[(len(times) % 8) * B:(len(times) % 8 + 1) * B])
        times.append(time.perf_counter() - s0)
    med = float(np.median(times))
    return {**w, 'steps': len(times), 'msPerStep': 1000 * med, 'samplesPerSecond': B / med}


def main():
    spec = json.loads(sys.argv[1])
    out = {
        'numpy': np.__version__,
        'python': sys.version.split()[0],
        'workloads': [run(w, spec.get('minSeconds', 1.0)) for w in spec['workloads']],
    }
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
