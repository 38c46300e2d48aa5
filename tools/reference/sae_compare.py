"""Numpy reference for the side-by-side comparison of two SAEs (src/core/sae/compare.ts).

Case "fixtures": SAELens' standard SAE and sparsify's TopK SAE (test/fixtures/sae-layouts/, written by
sae_layouts.py) on acts.npy, with the codes and reconstructions each library's own forward pass gives
(sae_layouts.json): FVU about the mean, mean L0 (codes > 0), dead fraction (latents with no code > 0 on any row),
and decoder matching both ways. Case "planted": a 10-latent decoder whose first six rows are rows of a 24-latent
decoder under rising noise, matched against it: best signed cosine per latent (first index on ties), MMCS, and
the latents recovered at cosine >= 0.7 and >= 0.9.

Run: /usr/bin/python3 tools/reference/sae_compare.py   (numpy only); writes sae_compare.json beside it.
"""
import json
import struct
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
FIX = HERE.parents[1] / "test" / "fixtures" / "sae-layouts"
THRESHOLDS = (0.7, 0.9)


def safetensors(path: Path) -> dict:
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32"
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(raw[8 + n + a:8 + n + b], "<f4").reshape(v["shape"]).astype(np.float64)
    return out


def match(frm: np.ndarray, to: np.ndarray) -> dict:
    fn = frm / np.linalg.norm(frm, axis=1, keepdims=True)
    tn = to / np.linalg.norm(to, axis=1, keepdims=True)
    cos = fn @ tn.T
    best = cos.max(axis=1)
    return {
        "best": best.tolist(),
        "bestIndex": cos.argmax(axis=1).tolist(),
        "mmcs": float(best.mean()),
        "recovered": [int((best >= t).sum()) for t in THRESHOLDS],
    }


def side(x: np.ndarray, codes: np.ndarray, recon: np.ndarray) -> dict:
    variance = ((x - x.mean(axis=0)) ** 2).sum()
    return {
        "fvu": float(((x - recon) ** 2).sum() / variance),
        "mse": float(((x - recon) ** 2).sum(axis=1).mean()),
        "l0": float((codes > 0).sum(axis=1).mean()),
        "deadFraction": float(((codes > 0).sum(axis=0) == 0).mean()),
    }


def main():
    layouts = json.loads((HERE / "sae_layouts.json").read_text())
    x = np.load(FIX / "acts.npy").astype(np.float64)
    a, b = "saelens-standard", "sparsify-topk"
    dec_a = safetensors(FIX / a / "sae_weights.safetensors")["W_dec"]
    dec_b = safetensors(FIX / b / "sae.safetensors")["W_dec"]
    sides = {
        name: side(x, np.array(layouts["cases"][name]["codes"]), np.array(layouts["cases"][name]["recon"]))
        for name in (a, b)
    }
    fixtures = {"a": a, "b": b, "rows": len(x), "sides": sides, "aInB": match(dec_a, dec_b), "bInA": match(dec_b, dec_a)}

    rng = np.random.default_rng(7)
    large = rng.standard_normal((24, 8))
    picked = [3, 5, 7, 11, 13, 17]
    noise = [0.01, 0.05, 0.2, 0.5, 1.0, 2.0]
    small = np.concatenate([
        np.stack([large[i] * (0.5 + j) + s * rng.standard_normal(8) for j, (i, s) in enumerate(zip(picked, noise))]),
        rng.standard_normal((4, 8)),
    ])
    planted = {
        "small": small.tolist(), "large": large.tolist(), "d": 8,
        "smallInLarge": match(small, large), "largeInSmall": match(large, small),
    }
    doc = {"generatedBy": "tools/reference/sae_compare.py", "numpy": np.__version__, "thresholds": THRESHOLDS,
           "fixtures": fixtures, "planted": planted}
    (HERE / "sae_compare.json").write_text(json.dumps(doc, indent=1) + "\n")
    print(json.dumps({"fixtures": sides, "planted_recovered": planted["smallInLarge"]["recovered"]}))


if __name__ == "__main__":
    main()
