#!/usr/bin/env python3
"""Small reference SAEs in each library's exact on-disk layout, and the codes each library's forward pass gives.

Run: `python3 tools/reference/sae_layouts.py` (Debian's python3-numpy; no torch, no SAELens, no safetensors package).
It rewrites test/fixtures/sae-layouts/ (one folder per case, laid out as the library writes it, plus acts.npy) and
tools/reference/sae_layouts.json beside it: for every case the codes [N, d_sae] and reconstructions [N, d_in] that
the library's own encode/decode give on acts.npy, computed here in float64 from the float32 weights by an
independent numpy transcription of that library's forward pass. The tests compare Probelab's encodings to it and
never run Python.

Library versions read (every rule below cites the file it comes from):
  SAELens 6.18.0     jbloomAus/SAELens @91ca16cc  (sae_lens/saes/*.py, sae_lens/loading/pretrained_sae_loaders.py)
  SAELens 5.11.0     jbloomAus/SAELens @a616abc5  (sae_lens/sae.py)
  dictionary_learning saprmarks/dictionary_learning @60ec6bf5 (dictionary_learning/dictionary.py, trainers/*.py,
                                                               utils.py load_dictionary, training.py)
  sparsify 1.3.0     EleutherAI/sparsify @9d3b136c (sparsify/sparse_coder.py, sparsify/fused_encoder.py)
  OpenAI             openai/sparse_autoencoder @4965b941 (sparse_autoencoder/model.py)
  Gemma Scope        params.npz as google/gemma-scope-* ship it; forward pass of the Gemma Scope tutorial's
                     JumpReLUSAE, the same as SAELens' gemma_2 loader (apply_b_dec_to_input False) + JumpReLUSAE.

File writers, written here so no library is needed:
  torch.save zip  — the pickle comes from Python's own pickle.Pickler (protocol 2, as torch.save uses) over stand-in
                    torch globals, the tensors reduce to torch._utils._rebuild_tensor_v2 exactly as
                    torch.Tensor._reduce_ex_internal does, and the zip is laid out as PyTorchFileWriter (miniz)
                    writes it: records stored, data 64-byte aligned by an 'FB' extra field, data descriptors,
                    zip64 end records. write_torch_zip() reproduces test/fixtures/digits_dict.pt byte for byte.
  safetensors     — the header as safetensors' Rust serializer writes it (tensors by dtype, then name; no
                    __metadata__; padded with spaces to a multiple of 8).
  npz / npy       — numpy's own np.savez / np.save.
"""
import collections
import io
import json
import pickle
import re
import struct
import sys
import types
import zlib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "test" / "fixtures" / "sae-layouts"
JSON_OUT = HERE / "sae_layouts.json"

N, D, M = 12, 8, 16
# A decision (a JumpReLU threshold, the k-th/(k+1)-th top-k boundary) closer than this to a pre-activation
# would let f32 rounding flip a code; seeds are drawn until every case clears it.
MARGIN = 2e-3

# --------------------------------------------------------------------------------------------------------------
# SAELens 6 cfg.json fields, as SAEConfig.from_dict reads them (filter_valid_dataclass_fields drops anything else).
# Base: sae_lens/saes/sae.py class SAEConfig (dataclass fields) and SAEConfig.to_dict, which adds "metadata"
# (SAEMetadata.to_dict) and "architecture". Per architecture: sae_lens/saes/standard_sae.py StandardSAEConfig (none),
# sae_lens/saes/topk_sae.py TopKSAEConfig (k, rescale_acts_by_decoder_norm), sae_lens/saes/jumprelu_sae.py
# JumpReLUSAEConfig (none). Tensors: the nn.Parameters each SAE class registers; load_state_dict is strict.
SAELENS6_CFG_FIELDS = {
    "source": "jbloomAus/SAELens v6.18.0 @91ca16ccd0684e4dd6323cd4f23ded734339ec54: sae_lens/saes/sae.py "
    "(SAEConfig, SAEConfig.to_dict, SAEMetadata, SAE.load_from_disk), sae_lens/saes/standard_sae.py, "
    "sae_lens/saes/topk_sae.py, sae_lens/saes/jumprelu_sae.py, sae_lens/loading/pretrained_sae_loaders.py "
    "(handle_config_defaulting: a version < 6.0.0-rc.0 or none at all means the pre-6 conversion)",
    "base": {
        "d_in": "int",
        "d_sae": "int",
        "dtype": "str",
        "device": "str",
        "apply_b_dec_to_input": "bool",
        "normalize_activations": "str",
        "reshape_activations": "str",
        "metadata": "dict",
        "architecture": "str",
    },
    "architectures": {
        "standard": {},
        "topk": {"k": "int", "rescale_acts_by_decoder_norm": "bool"},
        "jumprelu": {},
    },
    "tensors": {
        "standard": ["W_enc", "W_dec", "b_enc", "b_dec"],
        "topk": ["W_enc", "W_dec", "b_enc", "b_dec"],
        "jumprelu": ["W_enc", "W_dec", "b_enc", "b_dec", "threshold"],
    },
    "dtype": ["float32", "float64", "float16", "bfloat16", "torch.float32", "torch.float64", "torch.float16",
              "torch.bfloat16"],
    "normalize_activations": ["none", "expected_average_only_in", "constant_norm_rescale", "layer_norm"],
    "reshape_activations": ["none", "hook_z"],
    "metadata_version_key": "sae_lens_version",
    "min_version": "6.0.0-rc.0",
}


def saelens6_cfg(arch: str, **fields) -> dict:
    """A cfg.json as SAELens 6's save_inference_model writes it: every dataclass field, metadata, architecture."""
    base = dict(d_in=D, d_sae=M, dtype="float32", device="cpu", apply_b_dec_to_input=True,
                normalize_activations="none", reshape_activations="none")
    if arch == "topk":
        base.update(k=100, rescale_acts_by_decoder_norm=False)
    base.update(fields)
    base["metadata"] = {"sae_lens_version": "6.18.0", "sae_lens_training_version": "6.18.0",
                        "model_name": "gpt2", "hook_name": "blocks.0.hook_resid_pre", "hook_head_index": None,
                        "context_size": 128, "prepend_bos": True, "dataset_path": "fixture"}
    base["architecture"] = arch
    want = set(SAELENS6_CFG_FIELDS["base"]) | set(SAELENS6_CFG_FIELDS["architectures"][arch])
    assert set(base) == want, sorted(set(base) ^ want)
    return base


# --------------------------------------------------------------------------------------------------------------
# Writers.

def write_json(path: Path, obj, indent=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=indent))


ST_DTYPE = {np.dtype("float32"): "F32", np.dtype("float64"): "F64", np.dtype("int32"): "I32",
            np.dtype("int64"): "I64", np.dtype("float16"): "F16"}
# Rust safetensors::Dtype declaration order: prepare() sorts by dtype descending, then by name.
ST_ORDER = ["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]


def write_safetensors(path: Path, tensors: dict):
    items = sorted(tensors.items(), key=lambda kv: (-ST_ORDER.index(ST_DTYPE[kv[1].dtype]), kv[0]))
    header, blobs, offset = {}, [], 0
    for name, arr in items:
        data = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": ST_DTYPE[arr.dtype], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


# torch.save: stand-in globals so Python's pickler writes 'torch FloatStorage' and 'torch._utils _rebuild_tensor_v2'
# exactly as it does under torch (it looks each global up in sys.modules and checks identity).
_torch = types.ModuleType("torch")
_torch_utils = types.ModuleType("torch._utils")


def _rebuild_tensor_v2(*args):  # never called: only pickled by reference
    raise RuntimeError("stand-in")


_rebuild_tensor_v2.__module__ = "torch._utils"
_rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
_torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
_torch._utils = _torch_utils
STORAGE_CLASS = {}
for _dt, _name in [("float32", "FloatStorage"), ("float64", "DoubleStorage"), ("int32", "IntStorage"),
                   ("int64", "LongStorage"), ("float16", "HalfStorage")]:
    _cls = type(_name, (), {"__module__": "torch"})
    setattr(_torch, _name, _cls)
    STORAGE_CLASS[np.dtype(_dt)] = _cls
sys.modules.setdefault("torch", _torch)
sys.modules.setdefault("torch._utils", _torch_utils)
assert sys.modules["torch"] is _torch, "a real torch is imported; this script writes its own stand-ins"


class _Storage:
    def __init__(self, arr):
        self.arr = arr


class Tensor:
    """A CPU tensor as torch.Tensor._reduce_ex_internal reduces it: (storage, offset, size, stride, False, {}).
    transposed=True stores a 2-D tensor as the transpose view of a contiguous storage (stride (1, rows)), the layout
    a parameter made by `w.clone().T` (or cloned from a .T view, which keeps its strides) has and keeps in training."""

    def __init__(self, arr, transposed=False):
        arr = np.asarray(arr)
        self.shape = tuple(arr.shape)
        if transposed:
            self.storage = _Storage(np.ascontiguousarray(arr.T))
            self.stride = (1, arr.shape[0])
        else:
            self.storage = _Storage(np.ascontiguousarray(arr))
            self.stride = tuple(int(np.prod(arr.shape[i + 1:])) for i in range(arr.ndim))
        self.arr = arr

    def __reduce_ex__(self, proto):
        return (_rebuild_tensor_v2, (self.storage, 0, self.shape, self.stride, False, collections.OrderedDict()))


def torch_pickle(obj) -> tuple[bytes, list]:
    """data.pkl and the storages in key order, as torch.serialization._save writes them."""
    storages, ids = [], {}

    def persistent_id(o):
        if isinstance(o, _Storage):
            key = ids.setdefault(id(o), str(len(ids)))
            if key == str(len(storages)):
                storages.append(o.arr)
            return ("storage", STORAGE_CLASS[o.arr.dtype], key, "cpu", int(o.arr.size))
        return None

    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=2)
    p.persistent_id = persistent_id
    p.dump(obj)
    return buf.getvalue(), storages


def write_torch_zip(path: Path, obj, modern=True, serialization_id="0000000000000000000000000000000000000000"):
    """torch.save(obj, path): records as PyTorchFileWriter (caffe2/serialize/inline_container.cc over miniz) writes
    them. modern=False writes the torch 1.x record set (data.pkl, data/N, version), as in digits_dict.pt."""
    stem = path.stem
    pkl, storages = torch_pickle(obj)
    records = [("data.pkl", pkl)]
    if modern:
        records += [(".format_version", b"1"), (".storage_alignment", b"64"), ("byteorder", b"little")]
    records += [(f"data/{i}", np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes())
                for i, a in enumerate(storages)]
    records.append(("version", b"3\n"))
    if modern:
        records.append((".data/serialization_id", serialization_id.encode()))
    out, central = bytearray(), bytearray()
    for name, data in records:
        full = f"{stem}/{name}".encode()
        offset = len(out)
        start = offset + 30 + len(full) + 4  # the 'FB' extra field's own 4-byte header comes first
        pad = -start % 64
        crc = zlib.crc32(data) & 0xFFFFFFFF
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 0, 0x0808, 0, 0, 0, 0, 0, 0, len(full), pad + 4)
        out += full + b"FB" + struct.pack("<H", pad) + b"Z" * pad + data
        out += struct.pack("<IIII", 0x08074B50, crc, len(data), len(data))
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0, 0, 0x0808, 0, 0, 0, crc, len(data), len(data),
                               len(full), 0, 0, 0, 0, 0, offset) + full
    cd_offset, n = len(out), len(records)
    out += central
    z64 = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 0x002D, 0, 0, n, n, len(central), cd_offset)
    out += struct.pack("<IIQI", 0x07064B50, 0, z64, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central), cd_offset, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))


def check_torch_writer():
    """The writer reproduces a file torch itself wrote (test/fixtures/digits_dict.pt, torch 1.x records)."""
    real = (ROOT / "test" / "fixtures" / "digits_dict.pt").read_bytes()
    import zipfile
    z = zipfile.ZipFile(io.BytesIO(real))
    acts = np.frombuffer(z.read("digits_dict/data/0"), "<f4").reshape(1797, 64)
    labels = np.frombuffer(z.read("digits_dict/data/1"), "<i8")
    tmp = OUT / "_check" / "digits_dict.pt"
    write_torch_zip(tmp, {"activations": Tensor(acts), "labels": Tensor(labels)}, modern=False)
    same = tmp.read_bytes() == real
    tmp.unlink()
    tmp.parent.rmdir()
    assert same, "write_torch_zip no longer reproduces torch.save's digits_dict.pt"


class StateDict(collections.OrderedDict):
    """nn.Module.state_dict()'s OrderedDict carries a _metadata attribute, which pickles as BUILD state."""


def module_state_dict(items, modules):
    sd = collections.OrderedDict(items)
    sd._metadata = collections.OrderedDict((m, {"version": 1}) for m in modules)
    return sd


# --------------------------------------------------------------------------------------------------------------
# Random weights and the margin check.

def f32(a):
    return np.asarray(a, dtype=np.float32)


def rng_weights(rng, d_in=D, d_sae=M, dec_norms=None):
    w_enc = f32(rng.normal(size=(d_in, d_sae)) / np.sqrt(d_in))
    w_dec = rng.normal(size=(d_sae, d_in))
    w_dec /= np.linalg.norm(w_dec, axis=1, keepdims=True)
    if dec_norms is not None:
        w_dec *= dec_norms[:, None]
    return dict(W_enc=w_enc, b_enc=f32(rng.normal(size=d_sae) * 0.3), W_dec=f32(w_dec),
                b_dec=f32(rng.normal(size=d_in) * 0.5))


def F(a):
    return np.asarray(a, dtype=np.float64)


def relu(v):
    return np.maximum(v, 0.0)


def topk_dense(h, k, relu_after=True):
    """torch.topk(h, k, dim=-1) scattered into zeros (ReLU on the kept values when relu_after)."""
    out = np.zeros_like(h)
    idx = np.argsort(-h, axis=1, kind="stable")[:, :k]
    rows = np.arange(h.shape[0])[:, None]
    out[rows, idx] = relu(h[rows, idx]) if relu_after else h[rows, idx]
    return out


def margin_topk(h, k):
    s = -np.sort(-h, axis=1)
    return float(np.min(s[:, k - 1] - s[:, k])) if k < h.shape[1] else np.inf


def margin_threshold(h, theta):
    return float(np.min(np.abs(h - theta)))


def ln_in(x):
    """SAELens run_time_activation_ln_in (sae_lens/saes/sae.py _setup_activation_normalization) = OpenAI LN
    (sparse_autoencoder/model.py): mu = mean, x - mu, std = torch.std (unbiased, N-1), x / (std + 1e-5)."""
    mu = x.mean(axis=1, keepdims=True)
    xc = x - mu
    std = xc.std(axis=1, ddof=1, keepdims=True)
    return xc / (std + 1e-5), mu, std


# --------------------------------------------------------------------------------------------------------------
# Independent forward passes, one per library, on the raw on-disk tensors.

def saelens6_forward(cfg, sd, x):
    """SAELens 6.18: SAE.process_sae_in (sae.py: norm_in, then x - b_dec * apply_b_dec_to_input), then
    StandardSAE.encode relu(h) (standard_sae.py) | TopKSAE.encode h*|W_dec| if rescale_acts_by_decoder_norm,
    TopK = torch.topk then ReLU on the kept values (topk_sae.py) | JumpReLUSAE.encode relu(h) * (h > threshold)
    (jumprelu_sae.py); decode f @ W_dec + b_dec (TopK: f / |W_dec| first when rescaling), then norm_out."""
    x = F(x)
    norm = cfg["normalize_activations"]
    if norm == "layer_norm":
        x, mu, std = ln_in(x)
    elif norm == "constant_norm_rescale":
        # run_time_activation_norm_fn_in: c = sqrt(d_in) / ||x||, no epsilon.
        c = np.sqrt(cfg["d_in"]) / np.linalg.norm(x, axis=1, keepdims=True)
        x = x * c
    w_enc, b_enc, w_dec, b_dec = F(sd["W_enc"]), F(sd["b_enc"]), F(sd["W_dec"]), F(sd["b_dec"])
    sae_in = x - b_dec * (1.0 if cfg["apply_b_dec_to_input"] else 0.0)
    h = sae_in @ w_enc + b_enc
    arch = cfg["architecture"]
    margin = np.inf
    if arch == "standard":
        f = relu(h)
        out_f = f
    elif arch == "topk":
        n = np.linalg.norm(w_dec, axis=1) if cfg["rescale_acts_by_decoder_norm"] else np.ones(w_dec.shape[0])
        hh = h * n
        f = topk_dense(hh, cfg["k"])
        margin = margin_topk(hh, cfg["k"])
        out_f = f / n
    elif arch == "jumprelu":
        th = F(sd["threshold"])
        f = relu(h) * (h > th)
        margin = margin_threshold(h, th)
        out_f = f
    else:
        raise ValueError(arch)
    y = out_f @ w_dec + b_dec
    if norm == "layer_norm":
        y = y * std + mu  # run_time_activation_ln_out: no epsilon on the way back
    elif norm == "constant_norm_rescale":
        y = y / c
    return f, y, margin


def saelens6_batchtopk_checkpoint(cfg, sd, x):
    """A BatchTopK training checkpoint (cfg architecture "batchtopk", buffer topk_threshold, f64) encodes as the
    inference SAE SAELens saves from it: TopKTrainingSAE.process_state_dict_for_saving_inference folds the decoder
    norms when rescale_acts_by_decoder_norm (_fold_norm_topk: b_enc*n, W_dec/n, W_enc*n; topk_sae.py), then
    BatchTopKTrainingSAE.process_state_dict_for_saving_inference writes threshold = ones_like(b_enc) * topk_threshold
    and the cfg becomes JumpReLUSAEConfig (batchtopk_sae.py)."""
    w_enc, b_enc, w_dec = F(sd["W_enc"]), F(sd["b_enc"]), F(sd["W_dec"])
    if cfg["rescale_acts_by_decoder_norm"]:
        n = np.linalg.norm(w_dec, axis=1)
        b_enc, w_dec, w_enc = b_enc * n, w_dec / n[:, None], w_enc * n[None, :]
    inf_sd = dict(W_enc=w_enc, b_enc=b_enc, W_dec=w_dec, b_dec=sd["b_dec"],
                  threshold=np.full(w_enc.shape[1], float(np.float32(sd["topk_threshold"]))))
    inf_cfg = dict(cfg, architecture="jumprelu")
    return saelens6_forward(inf_cfg, inf_sd, x)


def saelens5_forward(cfg, sd, x):
    """SAELens 5.11 (sae_lens/sae.py): process_sae_in as in 6.x; encode_standard = activation_fn(h) where
    activation_fn "topk" = TopK(k, postact_fn=ReLU): torch.topk then ReLU (get_activation_fn); decode =
    apply_finetuning_scaling_factor(f) @ W_dec + b_dec, i.e. f * finetuning_scaling_factor when the cfg flag is set."""
    w_enc, b_enc, w_dec, b_dec = F(sd["W_enc"]), F(sd["b_enc"]), F(sd["W_dec"]), F(sd["b_dec"])
    x = F(x)
    h = (x - b_dec * (1.0 if cfg.get("apply_b_dec_to_input", True) else 0.0)) @ w_enc + b_enc
    act = cfg.get("activation_fn", cfg.get("activation_fn_str", "relu"))
    margin = np.inf
    if act == "topk":
        k = cfg["activation_fn_kwargs"]["k"]
        f = topk_dense(h, k)
        margin = margin_topk(h, k)
    else:
        f = relu(h)
    scale = F(sd["finetuning_scaling_factor"]) if cfg.get("finetuning_scaling_factor") else 1.0
    return f, (f * scale) @ w_dec + b_dec, margin


def dl_forward(dict_class, sd, x, k=None):
    """dictionary_learning @60ec6bf5, as utils.load_dictionary loads each dict_class:
    AutoEncoder (dictionary.py): from_pretrained(normalize_decoder=True) rescales unless
      torch.allclose(norms, 1): n = |decoder.weight[:, i]|, decoder.weight /= n, encoder.weight *= n[:, None],
      encoder.bias *= n; encode relu(encoder(x - bias)); decode decoder(f) + bias.
    AutoEncoderNew: encode relu(encoder(x)); decode decoder(f) (decoder.bias inside); no pre-subtraction.
    JumpReluAutoEncoder: apply_b_dec_to_input False (not saved); pre = x @ W_enc + b_enc;
      f = relu(pre * (pre > threshold)); decode f @ W_dec + b_dec.
    AutoEncoderTopK (trainers/top_k.py): post = relu(encoder(x - b_dec)); encode(use_threshold=False), the
      default forward() uses: top-k of post with the k buffer; the threshold buffer is not used.
    BatchTopKSAE (trainers/batch_top_k.py): post as TopK; encode(use_threshold=True) by default:
      post * (post > threshold) with the scalar threshold buffer.
    MatryoshkaBatchTopKSAE (trainers/matryoshka_batch_top_k.py): post = relu((x - b_dec) @ W_enc + b_enc);
      post * (post > threshold); latents past group_indices[active_groups] (= d_sae) zeroed;
      decode f @ W_dec + b_dec."""
    x = F(x)
    margin = np.inf
    if dict_class == "AutoEncoder":
        we, be, wd, bias = F(sd["encoder.weight"]), F(sd["encoder.bias"]), F(sd["decoder.weight"]), F(sd["bias"])
        n = np.linalg.norm(F(np.float32(sd["decoder.weight"])), axis=0)
        if not np.all(np.abs(n - 1) <= 1e-8 + 1e-5):
            wd, we, be = wd / n[None, :], we * n[:, None], be * n
        f = relu((x - bias) @ we.T + be)
        return f, f @ wd.T + bias, margin
    if dict_class == "AutoEncoderNew":
        we, be, wd, bd = F(sd["encoder.weight"]), F(sd["encoder.bias"]), F(sd["decoder.weight"]), F(sd["decoder.bias"])
        f = relu(x @ we.T + be)
        return f, f @ wd.T + bd, margin
    if dict_class == "JumpReluAutoEncoder":
        pre = x @ F(sd["W_enc"]) + F(sd["b_enc"])
        th = F(sd["threshold"])
        f = relu(pre * (pre > th))
        return f, f @ F(sd["W_dec"]) + F(sd["b_dec"]), margin_threshold(pre, th)
    if dict_class in ("AutoEncoderTopK", "BatchTopKSAE"):
        pre = (x - F(sd["b_dec"])) @ F(sd["encoder.weight"]).T + F(sd["encoder.bias"])
        post = relu(pre)
        if dict_class == "AutoEncoderTopK":
            f = topk_dense(post, k, relu_after=False)
            margin = margin_topk(post, k)
        else:
            th = float(sd["threshold"])
            f = post * (post > th)
            margin = margin_threshold(post, th)
        return f, f @ F(sd["decoder.weight"]).T + F(sd["b_dec"]), margin
    if dict_class == "MatryoshkaBatchTopKSAE":
        post = relu((x - F(sd["b_dec"])) @ F(sd["W_enc"]) + F(sd["b_enc"]))
        th = float(sd["threshold"])
        f = post * (post > th)
        f[:, int(np.sum(sd["group_sizes"])):] = 0
        return f, f @ F(sd["W_dec"]) + F(sd["b_dec"]), margin_threshold(post, th)
    raise ValueError(dict_class)


def gemma_forward(npz, x):
    """Gemma Scope tutorial JumpReLUSAE: pre = x @ W_enc + b_enc (no b_dec subtraction; SAELens' gemma_2 loader sets
    apply_b_dec_to_input False, pretrained_sae_loaders.py); acts = (pre > threshold) * relu(pre); decode
    acts @ W_dec + b_dec."""
    pre = F(x) @ F(npz["W_enc"]) + F(npz["b_enc"])
    th = F(npz["threshold"])
    f = (pre > th) * relu(pre)
    return f, f @ F(npz["W_dec"]) + F(npz["b_dec"]), margin_threshold(pre, th)


def sparsify_forward(cfg, sd, x):
    """sparsify 1.3.0 (sparse_coder.py SparseCoder.encode/decode, fused_encoder.py): if not transcode, x - b_dec;
    preacts = relu(x @ encoder.weight.T + encoder.bias); topk(preacts, k) (values may be 0); decode
    sum top_acts * W_dec[top_indices] + b_dec (W_dec is [num_latents, d_in], not transposed)."""
    x = F(x) - F(sd["b_dec"])
    pre = relu(x @ F(sd["encoder.weight"]).T + F(sd["encoder.bias"]))
    f = topk_dense(pre, cfg["k"], relu_after=False)
    return f, f @ F(sd["W_dec"]) + F(sd["b_dec"]), margin_topk(pre, cfg["k"])


def openai_forward(sd, activation, k, x):
    """openai/sparse_autoencoder model.py: Autoencoder.from_state_dict sets normalize = (activation == "TopK");
    preprocess = LN (mean, x - mu, unbiased std, / (std + 1e-5)); latents = activation(encoder(x - pre_bias) +
    latent_bias), TopK = torch.topk of the raw pre-activations then postact_fn (ReLU) on the kept values;
    decode decoder(latents) + pre_bias, then * std + mu when normalizing."""
    x = F(x)
    if activation == "TopK":
        x, mu, std = ln_in(x)
    pre = (x - F(sd["pre_bias"])) @ F(sd["encoder.weight"]).T + F(sd["latent_bias"])
    if activation == "TopK":
        f = topk_dense(pre, k)
        margin = margin_topk(pre, k)
    else:
        f, margin = relu(pre), np.inf
    y = f @ F(sd["decoder.weight"]).T + F(sd["pre_bias"])
    if activation == "TopK":
        y = y * std + mu
    return f, y, margin


# --------------------------------------------------------------------------------------------------------------
# The cases: each draws weights from a seed, writes its files, and returns (codes, reconstructions, margin).

def case_saelens_standard(rng, x, out):
    sd = rng_weights(rng)
    cfg = saelens6_cfg("standard")
    write_json(out / "cfg.json", cfg)
    write_safetensors(out / "sae_weights.safetensors", sd)
    return saelens6_forward(cfg, sd, x)


def case_saelens_topk_rescale(rng, x, out):
    sd = rng_weights(rng, dec_norms=rng.uniform(0.3, 2.0, size=M))
    cfg = saelens6_cfg("topk", k=4, rescale_acts_by_decoder_norm=True)
    write_json(out / "cfg.json", cfg)
    write_safetensors(out / "sae_weights.safetensors", sd)
    return saelens6_forward(cfg, sd, x)


def case_saelens_jumprelu_layer_norm(rng, x, out):
    sd = rng_weights(rng)
    # Some thresholds negative: 6.18 masks h > θ after ReLU, so a negative θ acts as 0.
    sd["threshold"] = f32(rng.uniform(-0.2, 0.6, size=M))
    cfg = saelens6_cfg("jumprelu", apply_b_dec_to_input=False, normalize_activations="layer_norm")
    write_json(out / "cfg.json", cfg)
    write_safetensors(out / "sae_weights.safetensors", sd)
    return saelens6_forward(cfg, sd, x)


def case_saelens_constant_norm(rng, x, out):
    sd = rng_weights(rng)
    cfg = saelens6_cfg("standard", normalize_activations="constant_norm_rescale")
    write_json(out / "cfg.json", cfg)
    write_safetensors(out / "sae_weights.safetensors", sd)
    return saelens6_forward(cfg, sd, x)


def case_saelens_batchtopk_checkpoint(rng, x, out):
    sd = rng_weights(rng, dec_norms=rng.uniform(0.3, 2.0, size=M))
    sd["topk_threshold"] = np.array(rng.uniform(0.2, 0.6), dtype=np.float64)
    # TrainingSAEConfig.to_dict: every training field of BatchTopKTrainingSAEConfig (batchtopk_sae.py, topk_sae.py).
    cfg = dict(d_in=D, d_sae=M, dtype="float32", device="cpu", apply_b_dec_to_input=True,
               normalize_activations="none", reshape_activations="none",
               metadata={"sae_lens_version": "6.18.0", "sae_lens_training_version": "6.18.0"},
               decoder_init_norm=0.1, k=4.0, use_sparse_activations=False, aux_loss_coefficient=1.0,
               rescale_acts_by_decoder_norm=True, topk_threshold_lr=0.01, architecture="batchtopk")
    write_json(out / "cfg.json", cfg)
    write_safetensors(out / "sae_weights.safetensors", sd)
    return saelens6_batchtopk_checkpoint(cfg, sd, x)


def case_saelens5_topk(rng, x, out):
    sd = rng_weights(rng)
    # The 5.x training runner's cfg.json: the flat LanguageModelSAERunnerConfig (sae_training_runner.py
    # save_checkpoint) with "activation_fn" and a top-level sae_lens_version; 6.x converts it with
    # handle_pre_6_0_config (pretrained_sae_loaders.py): standard + activation_fn topk + k -> topk.
    cfg = {"architecture": "standard", "d_in": D, "d_sae": M, "dtype": "float32", "device": "cpu",
           "model_name": "gpt2", "hook_name": "blocks.0.hook_resid_pre", "hook_layer": 0, "hook_head_index": None,
           "activation_fn": "topk", "activation_fn_kwargs": {"k": 3}, "apply_b_dec_to_input": True,
           "normalize_activations": False, "expansion_factor": 2, "l1_coefficient": 0.001, "lr": 3e-4,
           "b_dec_init_method": "geometric_median", "sae_lens_version": "5.11.0",
           "sae_lens_training_version": "5.11.0", "context_size": 128, "prepend_bos": True}
    write_json(out / "cfg.json", cfg)
    write_safetensors(out / "sae_weights.safetensors", sd)
    return saelens5_forward(cfg, sd, x)


def case_saelens5_finetuning_scale(rng, x, out):
    sd = rng_weights(rng)
    sd["finetuning_scaling_factor"] = f32(rng.uniform(0.5, 1.5, size=M))
    # SAEConfig.to_dict of 5.11 (sae_lens/sae.py): activation_fn_str, finetuning_scaling_factor, no version key.
    cfg = {"architecture": "standard", "d_in": D, "d_sae": M, "activation_fn_str": "relu",
           "apply_b_dec_to_input": True, "finetuning_scaling_factor": True, "context_size": 128,
           "model_name": "gpt2", "hook_name": "blocks.0.hook_resid_pre", "hook_layer": 0, "hook_head_index": None,
           "prepend_bos": True, "dataset_path": "fixture", "dataset_trust_remote_code": True,
           "normalize_activations": "none", "dtype": "float32", "device": "cpu", "sae_lens_training_version": "5.11.0",
           "activation_fn_kwargs": {}, "neuronpedia_id": None, "model_from_pretrained_kwargs": {},
           "seqpos_slice": [None]}
    write_json(out / "cfg.json", cfg)
    write_safetensors(out / "sae_weights.safetensors", sd)
    return saelens5_forward(cfg, sd, x)


def dl_config(trainer_class, dict_class, **extra):
    """config.json as dictionary_learning's trainSAE writes it (training.py): {"trainer": …, "buffer": …}."""
    trainer = {"trainer_class": trainer_class, "dict_class": dict_class, "lr": 0.001, "steps": 2000,
               "seed": 0, "activation_dim": D, "dict_size": M, "device": "cpu", "layer": 3, "lm_name": "m",
               "wandb_name": dict_class, "submodule_name": "resid_post_layer_3"}
    trainer.update(extra)
    return {"trainer": trainer, "buffer": {"d_submodule": D, "io": "out", "n_ctxs": 30000, "ctx_len": 128,
                                           "refresh_batch_size": 512, "out_batch_size": 8192, "device": "cpu"}}


# Parameters each class creates as a transposed view, so they are saved with stride (1, rows) (dictionary.py,
# trainers/*.py): AutoEncoder / AutoEncoderNew encoder.weight = Parameter(w.clone().T); AutoEncoderTopK /
# BatchTopKSAE encoder.weight = decoder.weight.T.clone(); JumpReluAutoEncoder / Matryoshka W_enc = W_dec.clone().T.
# GatedAutoEncoder's encoder is a plain nn.Linear.
TRANSPOSED = {"encoder.weight", "W_enc"}


def save_dl(out, sd, config, transposed=TRANSPOSED):
    # training.py: t.save({k: v.cpu() for k, v in trainer.ae.state_dict().items()}, "ae.pt") — a plain dict.
    write_torch_zip(out / "ae.pt", {k: Tensor(v, transposed=k in transposed) for k, v in sd.items()})
    write_json(out / "config.json", config, indent=4)


def case_dl_autoencoder(rng, x, out):
    w = rng_weights(rng, dec_norms=rng.uniform(0.5, 1.5, size=M))
    sd = {"bias": w["b_dec"], "encoder.weight": f32(w["W_enc"].T), "encoder.bias": w["b_enc"],
          "decoder.weight": f32(w["W_dec"].T)}
    save_dl(out, sd, dl_config("StandardTrainerAprilUpdate", "AutoEncoder"))
    return dl_forward("AutoEncoder", sd, x)


def case_dl_autoencoder_new(rng, x, out):
    w = rng_weights(rng)
    sd = {"encoder.weight": f32(w["W_enc"].T), "encoder.bias": w["b_enc"], "decoder.weight": f32(w["W_dec"].T),
          "decoder.bias": w["b_dec"]}
    save_dl(out, sd, dl_config("StandardTrainerAprilUpdate", "AutoEncoderNew"))
    return dl_forward("AutoEncoderNew", sd, x)


def case_dl_jumprelu(rng, x, out):
    w = rng_weights(rng)
    sd = {"W_enc": w["W_enc"], "b_enc": w["b_enc"], "W_dec": w["W_dec"], "b_dec": w["b_dec"],
          "threshold": f32(rng.uniform(-0.2, 0.6, size=M))}
    save_dl(out, sd, dl_config("JumpReluTrainer", "JumpReluAutoEncoder", bandwidth=0.001, target_l0=20.0))
    return dl_forward("JumpReluAutoEncoder", sd, x)


def dl_topk_state(rng, k, threshold):
    w = rng_weights(rng)
    # state_dict order of AutoEncoderTopK / BatchTopKSAE: b_dec, k (int32 buffer), threshold (f32 0-d buffer),
    # decoder.weight, encoder.weight, encoder.bias.
    return {"b_dec": w["b_dec"], "k": np.array(k, dtype=np.int32), "threshold": np.array(threshold, dtype=np.float32),
            "decoder.weight": f32(w["W_dec"].T), "encoder.weight": f32(w["W_enc"].T), "encoder.bias": w["b_enc"]}


def case_dl_topk(rng, x, out):
    # A positive threshold buffer (set during training) that encode() ignores by default.
    sd = dl_topk_state(rng, 3, rng.uniform(0.2, 0.5))
    save_dl(out, sd, dl_config("TopKTrainer", "AutoEncoderTopK", k=3, threshold_beta=0.999,
                               threshold_start_step=1000))
    return dl_forward("AutoEncoderTopK", sd, x, k=3)


def case_dl_batchtopk(rng, x, out):
    sd = dl_topk_state(rng, 3, rng.uniform(0.2, 0.5))
    save_dl(out, sd, dl_config("BatchTopKTrainer", "BatchTopKSAE", k=3, threshold_beta=0.999,
                               threshold_start_step=1000, top_k_aux=D // 2))
    return dl_forward("BatchTopKSAE", sd, x)


def case_dl_matryoshka(rng, x, out):
    w = rng_weights(rng)
    sd = {"W_enc": w["W_enc"], "b_enc": w["b_enc"], "W_dec": w["W_dec"], "b_dec": w["b_dec"],
          "k": np.array(3, dtype=np.int32), "threshold": np.array(rng.uniform(0.2, 0.5), dtype=np.float32),
          "group_sizes": np.array([4, 4, 8], dtype=np.int64)}
    save_dl(out, sd, dl_config("MatryoshkaBatchTopKTrainer", "MatryoshkaBatchTopKSAE", k=3,
                               group_fractions=[0.25, 0.25, 0.5], group_weights=[1 / 3] * 3, group_sizes=[4, 4, 8]))
    return dl_forward("MatryoshkaBatchTopKSAE", sd, x)


def case_gemma_scope(rng, x, out):
    w = rng_weights(rng)
    npz = dict(W_enc=w["W_enc"], W_dec=w["W_dec"], b_enc=w["b_enc"], b_dec=w["b_dec"],
               threshold=f32(rng.uniform(0.05, 0.6, size=M)))
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "params.npz", **npz)
    return gemma_forward(npz, x)


def sparsify_cfg(**kw):
    """cfg.json as SparseCoder.save_to_disk writes it: {**SparseCoderConfig.to_dict(), "d_in": d_in}."""
    cfg = {"activation": "topk", "expansion_factor": 2, "normalize_decoder": True, "num_latents": 0, "k": 4,
           "multi_topk": False, "skip_connection": False, "transcode": False}
    cfg.update(kw)
    cfg["d_in"] = D
    return cfg


def sparsify_state(rng, skip=False):
    w = rng_weights(rng)
    sd = {"encoder.weight": f32(w["W_enc"].T), "encoder.bias": w["b_enc"], "W_dec": w["W_dec"], "b_dec": w["b_dec"]}
    if skip:
        sd["W_skip"] = f32(rng.normal(size=(D, D)) * 0.1)
    return sd


def case_sparsify_topk(rng, x, out):
    cfg = sparsify_cfg(k=4)
    sd = sparsify_state(rng)
    write_json(out / "cfg.json", cfg)
    write_safetensors(out / "sae.safetensors", sd)  # save_model: no __metadata__, sorted
    return sparsify_forward(cfg, sd, x)


def openai_state(rng, activation, k=None):
    w = rng_weights(rng)
    # Autoencoder.state_dict (model.py): parameters and buffers in registration order, then "activation" (the class
    # name) and "activation_state_dict". Under torch >= 2 the recursive nn.Module.state_dict also calls TopK's
    # state_dict override with prefix "activation.", which adds activation.k / activation.postact_fn.
    items = [("pre_bias", Tensor(w["b_dec"])), ("latent_bias", Tensor(w["b_enc"])),
             ("stats_last_nonzero", Tensor(np.zeros(M, dtype=np.int64))),
             ("latents_activation_frequency", Tensor(np.ones(M, dtype=np.float32))),
             ("latents_mean_square", Tensor(np.zeros(M, dtype=np.float32))),
             ("encoder.weight", Tensor(f32(w["W_enc"].T))), ("decoder.weight", Tensor(f32(w["W_dec"].T)))]
    modules = ["", "encoder", "activation", "decoder"]
    if activation == "TopK":
        items += [("activation.k", k), ("activation.postact_fn", "ReLU")]
    sd = module_state_dict(items, modules)
    sd["activation"] = activation
    act_sd = module_state_dict([("k", k), ("postact_fn", "ReLU")] if activation == "TopK" else [], [""])
    sd["activation_state_dict"] = act_sd
    raw = {name: t.arr for name, t in items if isinstance(t, Tensor)}
    return sd, raw


def case_openai_topk(rng, x, out):
    sd, raw = openai_state(rng, "TopK", k=4)
    write_torch_zip(out / "ae.pt", sd)
    return openai_forward(raw, "TopK", 4, x)


def case_openai_relu(rng, x, out):
    sd, raw = openai_state(rng, "ReLU")
    write_torch_zip(out / "ae.pt", sd)
    return openai_forward(raw, "ReLU", None, x)


CASES = {
    "saelens-standard": case_saelens_standard,
    "saelens-topk-rescale": case_saelens_topk_rescale,
    "saelens-jumprelu-layer-norm": case_saelens_jumprelu_layer_norm,
    "saelens-constant-norm": case_saelens_constant_norm,
    "saelens-batchtopk-checkpoint": case_saelens_batchtopk_checkpoint,
    "saelens5-topk": case_saelens5_topk,
    "saelens5-finetuning-scale": case_saelens5_finetuning_scale,
    "dl-autoencoder": case_dl_autoencoder,
    "dl-autoencoder-new": case_dl_autoencoder_new,
    "dl-jumprelu": case_dl_jumprelu,
    "dl-topk": case_dl_topk,
    "dl-batchtopk": case_dl_batchtopk,
    "dl-matryoshka": case_dl_matryoshka,
    "gemma-scope": case_gemma_scope,
    "sparsify-topk": case_sparsify_topk,
    "openai-topk": case_openai_topk,
    "openai-relu": case_openai_relu,
}


# Variants Probelab refuses: written in the same layouts so the tests see the real files, no codes.
def refused(rng):
    w = rng_weights(rng)
    gated = {"decoder_bias": w["b_dec"], "r_mag": f32(rng.normal(size=M) * 0.1), "gate_bias": w["b_enc"],
             "mag_bias": f32(rng.normal(size=M) * 0.1), "encoder.weight": f32(w["W_enc"].T),
             "decoder.weight": f32(w["W_dec"].T)}
    save_dl(OUT / "refused-dl-gated", gated, dl_config("GatedSAETrainer", "GatedAutoEncoder"), transposed=())
    write_json(OUT / "refused-sparsify-groupmax" / "cfg.json", sparsify_cfg(activation="groupmax", k=4))
    write_safetensors(OUT / "refused-sparsify-groupmax" / "sae.safetensors", sparsify_state(rng))
    write_json(OUT / "refused-sparsify-transcoder" / "cfg.json", sparsify_cfg(transcode=True, skip_connection=True))
    write_safetensors(OUT / "refused-sparsify-transcoder" / "sae.safetensors", sparsify_state(rng, skip=True))
    g = dict(w)
    g["b_gate"], g["r_mag"], g["b_mag"] = g.pop("b_enc"), f32(rng.normal(size=M) * 0.1), f32(rng.normal(size=M))
    write_json(OUT / "refused-saelens-gated" / "cfg.json", saelens6_cfg_any("gated"))
    write_safetensors(OUT / "refused-saelens-gated" / "sae_weights.safetensors", g)
    t = rng_weights(rng)
    write_json(OUT / "refused-saelens5-tanh-relu" / "cfg.json",
               {"architecture": "standard", "d_in": D, "d_sae": M, "dtype": "float32", "activation_fn_str": "tanh-relu",
                "apply_b_dec_to_input": True, "hook_name": "blocks.0.hook_resid_pre"})
    write_safetensors(OUT / "refused-saelens5-tanh-relu" / "sae_weights.safetensors", t)
    return ["refused-dl-gated", "refused-sparsify-groupmax", "refused-sparsify-transcoder", "refused-saelens-gated",
            "refused-saelens5-tanh-relu"]


def saelens6_cfg_any(arch):
    cfg = saelens6_cfg("standard")
    cfg["architecture"] = arch
    return cfg


def compact_rows(text: str) -> str:
    """One line per innermost list of numbers (a row of codes), so the JSON reads and diffs by row."""
    row = re.compile(r"\[\s*([-+0-9.eE,\s]+?)\s*\]")
    return row.sub(lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)


def main():
    if OUT.exists():
        for p in sorted(OUT.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
    OUT.mkdir(parents=True, exist_ok=True)
    check_torch_writer()
    rng = np.random.default_rng(20240917)
    x = f32(rng.normal(size=(N, D)) * rng.uniform(0.5, 3.0, size=(N, 1)) + 0.3)
    np.save(OUT / "acts.npy", x)
    write_json(OUT / "saelens6-cfg-fields.json", SAELENS6_CFG_FIELDS, indent=1)
    results = {}
    for i, (name, make) in enumerate(CASES.items()):
        for attempt in range(200):
            case_rng = np.random.default_rng([i, attempt])
            folder = OUT / name
            f, y, margin = make(case_rng, x, folder)
            if margin >= MARGIN:
                break
            for p in folder.iterdir():
                p.unlink()
        else:
            raise RuntimeError(f"{name}: no seed clears the margin")
        assert np.all(np.isfinite(f)) and np.all(np.isfinite(y))
        results[name] = {
            "seed": [i, attempt],
            "files": sorted(p.name for p in (OUT / name).iterdir()),
            "margin": margin if np.isfinite(margin) else None,
            "l0": float(np.mean(np.sum(f > 0, axis=1))),
            "codes": [[float(v) for v in row] for row in f],
            "recon": [[float(v) for v in row] for row in y],
        }
    names = refused(np.random.default_rng(99))
    JSON_OUT.write_text(compact_rows(json.dumps({
        "about": "codes [N, d_sae] and reconstructions [N, d_in] of test/fixtures/sae-layouts/acts.npy by each "
                 "library's own forward pass (float64 from the float32 weights); see sae_layouts.py",
        "numpy": np.__version__, "n": N, "d_in": D, "d_sae": M, "cases": results, "refused": names,
    }, indent=1)))
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"{len(results)} cases, {len(names)} refused variants, {total / 1e3:.1f} kB under {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
