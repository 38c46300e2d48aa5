"""Probelab logistic probe, reproduced with scikit-learn.

Fits LogisticRegression(C=0.01) on the same training rows after z-scoring with the
training rows' mean and population std (StandardScaler) and prints one JSON line with the held-out accuracy.
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

# --- this run: files (paths relative to this script) and Probelab's held-out accuracy ---
ACTIVATIONS = ("../../../test/fixtures/breast_cancer.npz", "X")
LABELS = ("../../../test/fixtures/breast_cancer.npz", "y")
PROBELAB_TEST_ACCURACY = 0.9577464788732394
# --- end of this run ---
C = 0.01
CLASS_WEIGHT = None
STANDARDIZE = True
TRAIN_IDX = [
    0, 1, 3, 4, 5, 6, 8, 9, 10, 11, 13, 15, 16, 17, 18, 19, 20, 21, 22, 24, 26, 27, 28, 30,
    33, 35, 36, 37, 38, 39, 40, 42, 47, 48, 51, 52, 53, 54, 56, 57, 58, 59, 60, 61, 63, 64, 65, 66,
    67, 68, 70, 74, 75, 76, 80, 82, 83, 84, 85, 86, 88, 89, 90, 91, 93, 94, 95, 96, 97, 98, 99, 100,
    103, 104, 105, 106, 107, 111, 112, 113, 115, 117, 119, 120, 121, 122, 123, 125, 126, 127, 128, 129, 130, 131, 133, 135,
    136, 137, 139, 140, 141, 143, 144, 146, 147, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 162, 164, 165, 166, 168,
    169, 170, 171, 173, 174, 177, 178, 179, 180, 181, 182, 183, 184, 189, 190, 191, 192, 194, 196, 198, 199, 200, 201, 203,
    206, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 224, 225, 227, 229, 231, 232, 234, 235, 236,
    239, 240, 243, 244, 245, 246, 247, 248, 250, 252, 253, 254, 257, 259, 260, 261, 263, 264, 265, 267, 268, 269, 270, 271,
    273, 274, 275, 276, 277, 279, 280, 281, 282, 283, 284, 287, 288, 290, 292, 293, 294, 295, 296, 297, 298, 300, 301, 302,
    303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 315, 316, 317, 320, 321, 322, 323, 324, 327, 328, 329, 330, 331,
    333, 335, 336, 337, 338, 339, 341, 342, 343, 344, 345, 346, 347, 348, 349, 351, 352, 353, 354, 355, 356, 357, 359, 360,
    361, 362, 363, 364, 365, 366, 367, 368, 370, 373, 375, 376, 377, 378, 379, 380, 381, 382, 383, 384, 385, 386, 387, 388,
    389, 393, 394, 396, 397, 398, 399, 400, 401, 402, 406, 407, 408, 409, 410, 411, 412, 414, 415, 416, 419, 421, 422, 423,
    424, 425, 426, 427, 428, 430, 431, 432, 433, 434, 435, 438, 440, 441, 442, 443, 445, 446, 447, 448, 449, 450, 451, 453,
    454, 455, 457, 458, 459, 460, 462, 464, 465, 466, 467, 468, 469, 471, 473, 475, 477, 478, 479, 481, 482, 483, 484, 485,
    486, 487, 488, 489, 490, 492, 493, 494, 497, 498, 500, 501, 503, 504, 505, 506, 507, 510, 511, 512, 513, 514, 515, 516,
    517, 518, 519, 520, 522, 523, 525, 526, 527, 528, 530, 531, 532, 533, 534, 535, 536, 537, 539, 540, 542, 543, 544, 546,
    547, 548, 549, 551, 552, 553, 554, 555, 556, 557, 559, 560, 561, 563, 564, 565, 566, 567, 568,
]
TEST_IDX = [
    2, 7, 12, 14, 23, 25, 29, 31, 32, 34, 41, 43, 44, 45, 46, 49, 50, 55, 62, 69, 71, 72, 73, 77,
    78, 79, 81, 87, 92, 101, 102, 108, 109, 110, 114, 116, 118, 124, 132, 134, 138, 142, 145, 148, 149, 160, 161, 163,
    167, 172, 175, 176, 185, 186, 187, 188, 193, 195, 197, 202, 204, 205, 207, 211, 223, 226, 228, 230, 233, 237, 238, 241,
    242, 249, 251, 255, 256, 258, 262, 266, 272, 278, 285, 286, 289, 291, 299, 314, 318, 319, 325, 326, 332, 334, 340, 350,
    358, 369, 371, 372, 374, 390, 391, 392, 395, 403, 404, 405, 413, 417, 418, 420, 429, 436, 437, 439, 444, 452, 456, 461,
    463, 470, 472, 474, 476, 480, 491, 495, 496, 499, 502, 508, 509, 521, 524, 529, 538, 541, 545, 550, 558, 562,
]


def load(path, key):
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
            rows = list(csv.DictReader(f, delimiter="\t" if ext == ".tsv" else ","))
        return np.array([r[key] for r in rows])
    if ext in (".jsonl", ".json"):
        text = p.read_text()
        rows = [json.loads(line) for line in text.splitlines() if line.strip()] if ext == ".jsonl" else json.loads(text)
        return np.array([r[key] for r in rows])
    sys.exit(f"{p}: this script reads .npy .npz .safetensors .h5 .csv .jsonl; convert the file to one of those")


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
