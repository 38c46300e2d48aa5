#!/usr/bin/env python3
"""Reference numbers for the tests, computed by scikit-learn on the files in test/fixtures/.

Run: `python3 tools/reference/sklearn_reference.py` (Debian 12's python3-sklearn 1.2.1, python3-numpy 1.24.2,
python3-scipy 1.10.1); it rewrites tools/reference/reference.json beside it. The tests read that JSON, never
Python. Every split is test = sorted(default_rng(seed).permutation(n)[:round(n / 4)]), train = the rest.
"""
import json
import platform
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.covariance import EmpiricalCovariance, LedoitWolf, ledoit_wolf_shrinkage
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import cross_val_predict
from sklearn.metrics import accuracy_score, log_loss, r2_score, roc_auc_score
from sklearn.preprocessing import StandardScaler

HERE = Path(__file__).resolve().parent
FIX = HERE.parents[1] / "test" / "fixtures"
TIGHT = dict(solver="lbfgs", tol=1e-10, max_iter=100_000)
OBJECTIVE = "sum_i logloss_i + ||w||^2 / (2C), intercept unpenalized"
STANDARDIZE = "z-score with train mean and population std (ddof=0); a column whose train std is 0 is divided by 1 (scikit-learn StandardScaler)"


def split(n: int, seed: int):
    perm = np.random.default_rng(seed).permutation(n)
    n_test = round(n / 4)
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])


def floats(a) -> list:
    return [float(v) for v in np.asarray(a).ravel()]


def scaled(x, tr):
    sc = StandardScaler().fit(x[tr])
    return sc.transform(x), sc


def binary_logistic(xs, y, tr, te, C):
    m = LogisticRegression(C=C, **TIGHT).fit(xs[tr], y[tr])
    p = m.predict_proba(xs[te])[:, 1]
    return m, {
        "objective": OBJECTIVE, "coef": floats(m.coef_), "intercept": float(m.intercept_[0]),
        "train_acc": accuracy_score(y[tr], m.predict(xs[tr])), "test_acc": accuracy_score(y[te], m.predict(xs[te])),
        "test_auroc": roc_auc_score(y[te], p), "test_logloss": log_loss(y[te], p), "test_proba_first10": floats(p[:10]),
    }


def breast_cancer():
    z = np.load(FIX / "breast_cancer.npz")
    x, y = z["X"].astype(np.float64), z["y"]
    tr, te = split(len(y), 1)
    xs, _ = scaled(x, tr)
    out = {"file": "breast_cancer.npz", "train_idx": tr.tolist(), "test_idx": te.tolist(), "standardize": STANDARDIZE}
    for C in (0.01, 1, 100):
        out[f"logreg_C{C:g}"] = binary_logistic(xs, y, tr, te, C)[1]
    lda = LinearDiscriminantAnalysis().fit(xs[tr], y[tr])
    lsqr = LinearDiscriminantAnalysis(solver="lsqr").fit(xs[tr], y[tr])
    out["lda"] = {"solver": "svd (scikit-learn's default)", "test_acc": accuracy_score(y[te], lda.predict(xs[te])),
                  "test_auroc": roc_auc_score(y[te], lda.decision_function(xs[te])),
                  "lsqr_coef": floats(lsqr.coef_), "lsqr_intercept": float(lsqr.intercept_[0]),
                  "lsqr_test_acc": accuracy_score(y[te], lsqr.predict(xs[te]))}
    direction = xs[tr][y[tr] == 1].mean(0) - xs[tr][y[tr] == 0].mean(0)
    raw_direction = x[tr][y[tr] == 1].mean(0) - x[tr][y[tr] == 0].mean(0)
    out["mass_mean"] = {
        "direction": "mean(class 1) - mean(class 0) of standardized train rows",
        "test_auroc": roc_auc_score(y[te], xs[te] @ direction),
        "raw_direction": "mean(class 1) - mean(class 0) of raw train rows (activation space)",
        "raw_coef": floats(raw_direction), "raw_test_auroc": roc_auc_score(y[te], x[te] @ raw_direction),
    }
    benign = xs[tr][y[tr] == 0]
    emp = EmpiricalCovariance().fit(benign)
    lw = LedoitWolf().fit(benign)
    out["mahalanobis"] = {
        "fit_on": "standardized train rows with y == 0", "score": "squared Mahalanobis distance",
        "empirical_test_scores_first10": floats(emp.mahalanobis(xs[te])[:10]),
        "empirical_test_auroc": roc_auc_score(y[te] == 1, emp.mahalanobis(xs[te])),
        "ledoit_wolf_shrinkage": float(lw.shrinkage_),
        "ledoit_wolf_test_scores_first10": floats(lw.mahalanobis(xs[te])[:10]),
        "ledoit_wolf_test_auroc": roc_auc_score(y[te] == 1, lw.mahalanobis(xs[te])),
    }
    out["pca_explained_variance_ratio_first5"] = floats(PCA().fit(xs[tr]).explained_variance_ratio_[:5])
    return out


def digits():
    x = np.load(FIX / "digits_f32.npy").astype(np.float64)
    y = np.load(FIX / "digits_labels.npy")
    tr, te = split(len(y), 2)
    xs, _ = scaled(x, tr)
    m = LogisticRegression(C=1, **TIGHT).fit(xs[tr], y[tr])
    return {
        "files": ["digits_f32.npy + digits_labels.npy", "digits_f16.npy", "digits_f64_fortran.npy",
                  "digits_f32_bigendian.npy", "digits_compressed.npz", "digits_dict.pt", "digits_bf16.pt",
                  "digits_strided_view.pt (rows 0,2,4,...)", "digits_legacy.pt (pre-1.6 torch format)", "digits.h5",
                  "digits_labels.csv"],
        "train_idx": tr.tolist(), "test_idx": te.tolist(), "standardize": STANDARDIZE,
        "multinomial_logreg_C1": {
            "coef_shape": list(m.coef_.shape), "coef": m.coef_.tolist(), "intercept": floats(m.intercept_),
            "train_acc": accuracy_score(y[tr], m.predict(xs[tr])), "test_acc": accuracy_score(y[te], m.predict(xs[te])),
            "test_logloss": log_loss(y[te], m.predict_proba(xs[te])),
        },
        "sum_f32": float(np.load(FIX / "digits_f32.npy").sum(dtype=np.float64)),
        "shape": list(x.shape),
    }


def diabetes():
    x = np.load(FIX / "diabetes_X.npy").astype(np.float64)
    t = np.load(FIX / "diabetes_target.npy").astype(np.float64)
    tr, te = split(len(t), 3)
    m = Ridge(alpha=1.0).fit(x[tr], t[tr])
    return {
        "train_idx": tr.tolist(), "test_idx": te.tolist(),
        "ridge_alpha1_raw_features": {
            "objective": "||y - Xw - b||^2 + alpha ||w||^2, intercept unpenalized, no standardization",
            "coef": floats(m.coef_), "intercept": float(m.intercept_), "test_r2": r2_score(t[te], m.predict(x[te])),
        },
    }


def layers():
    x = np.load(FIX / "layers_LND.npy").astype(np.float64)
    y = np.load(FIX / "layers_labels.npy")
    tr, te = split(len(y), 4)
    accs = []
    for layer in x:
        xs, _ = scaled(layer, tr)
        m = LogisticRegression(C=1, **TIGHT).fit(xs[tr], y[tr])
        accs.append(accuracy_score(y[te], m.predict(xs[te])))
    return {"shape": list(x.shape), "train_idx": tr.tolist(), "test_idx": te.tolist(), "logreg_C1_test_acc_by_layer": accs}


def probe_sweep():
    """A layer x setting grid on layers_LND.npy: every cell cross-validated on the same stratified folds."""
    x = np.load(FIX / "layers_LND.npy").astype(np.float64)
    y = np.load(FIX / "layers_labels.npy")
    tr, te = split(len(y), 4)
    folds = 4
    rng = np.random.default_rng(19)
    fold_of = np.empty(len(y), dtype=np.int64)
    for c in (0, 1):
        members = rng.permutation(tr[y[tr] == c])
        fold_of[members] = np.arange(len(members)) % folds
    validation = [np.sort(tr[fold_of[tr] == f]) for f in range(folds)]
    fits = [np.setdiff1d(tr, v) for v in validation]
    settings = [{"method": "logistic", "C": C} for C in (0.001, 0.1, 10)] + [{"method": "lda", "shrinkage": 0.5}]

    def fit(xl, rows, s):
        sc = StandardScaler().fit(xl[rows])
        if s["method"] == "logistic":
            m = LogisticRegression(C=s["C"], **TIGHT).fit(sc.transform(xl[rows]), y[rows])
        else:
            m = LinearDiscriminantAnalysis(solver="lsqr", shrinkage=s["shrinkage"]).fit(sc.transform(xl[rows]), y[rows])
        return lambda r: (m.predict(sc.transform(xl[r])), m.decision_function(sc.transform(xl[r])), m.predict_proba(sc.transform(xl[r]))[:, 1])

    def mean_sd(v):
        return {"mean": float(np.mean(v)), "sd": float(np.std(v, ddof=1))}

    cells = []
    for xl in x:
        row = []
        for s in settings:
            acc, auc, loss, fit_acc = [], [], [], []
            for f, v in zip(fits, validation):
                predict = fit(xl, f, s)
                pred, dec, p = predict(v)
                acc.append(accuracy_score(y[v], pred))
                auc.append(roc_auc_score(y[v], dec))
                loss.append(log_loss(y[v], p))
                fit_acc.append(accuracy_score(y[f], predict(f)[0]))
            predict = fit(xl, tr, s)
            pred_te, dec_te, _ = predict(te)
            row.append({
                "cv_accuracy": mean_sd(acc), "cv_auroc": mean_sd(auc), "cv_logloss": mean_sd(loss),
                "cv_fit_accuracy_mean": float(np.mean(fit_acc)),
                "train_acc": accuracy_score(y[tr], predict(tr)[0]),
                "test_acc": accuracy_score(y[te], pred_te), "test_auroc": roc_auc_score(y[te], dec_te),
            })
        cells.append(row)
    flat = [(c["cv_accuracy"]["mean"], -c["cv_logloss"]["mean"], i, j) for i, r in enumerate(cells) for j, c in enumerate(r)]
    best = max(flat, key=lambda t: (t[0], t[1]))
    return {
        "estimator": "per cell: StandardScaler on the fitting rows, then LogisticRegression(C, lbfgs tight) or "
                     "LinearDiscriminantAnalysis(solver='lsqr', shrinkage); CV metrics on each validation fold, sd with ddof=1",
        "split": "the layers entry's train_idx / test_idx", "settings": settings,
        "fold_rule": "per class, the class's training rows permuted by default_rng(19), dealt round-robin into 4 folds",
        "fold_of_row": np.where(np.isin(np.arange(len(y)), tr), fold_of, -1).tolist(),
        "cells": cells, "best_by_cv_accuracy": {"layer": best[2], "setting": best[3]},
    }


def lande():
    x = np.load(FIX / "real" / "lande_hidden.npy").astype(np.float64)
    y = np.load(FIX / "real" / "lande_lang_labels.npy")
    classes = json.loads((FIX / "real" / "lande_lang_classes.json").read_text())["classes"]
    tr, te = split(len(y), 5)
    xs, _ = scaled(x, tr)
    multi = LogisticRegression(C=1, **TIGHT).fit(xs[tr], y[tr])
    german = (y == classes.index("deu")).astype(np.int64)
    _, is_german = binary_logistic(xs, german, tr, te, 1)
    return {
        "files": ["real/lande_hidden.npy", "real/lande_lang_labels.npy", "real/lande_meta.jsonl", "real/lande_lang_classes.json"],
        "rows": int(len(y)), "train_idx": tr.tolist(), "test_idx": te.tolist(), "standardize": STANDARDIZE,
        "multinomial_logreg_C1": {"train_acc": accuracy_score(y[tr], multi.predict(xs[tr])), "test_acc": accuracy_score(y[te], multi.predict(xs[te]))},
        "is_german_logreg_C1": {k: is_german[k] for k in ("coef", "intercept", "test_acc", "test_auroc")},
        "majority_rate_is_german_test": float(max(german[te].mean(), 1 - german[te].mean())),
    }


def lda_shrinkage_case(x, y, train_rows, seed):
    """LinearDiscriminantAnalysis(solver='lsqr') with few training rows next to D, on train-standardized rows."""
    perm = np.random.default_rng(seed).permutation(len(y))
    tr, te = np.sort(perm[:train_rows]), np.sort(perm[train_rows:])
    xs, _ = scaled(x, tr)
    out = {"train_idx": tr.tolist(), "test_idx": te.tolist(), "cols": int(x.shape[1])}
    for name, shrinkage in (("none", None), ("auto", "auto"), ("0.3", 0.3)):
        m = LinearDiscriminantAnalysis(solver="lsqr", shrinkage=shrinkage).fit(xs[tr], y[tr])
        out[name] = {"coef": m.coef_.tolist(), "intercept": floats(m.intercept_), "test_acc": accuracy_score(y[te], m.predict(xs[te]))}
    return out


def lda_shrinkage():
    z = np.load(FIX / "breast_cancer.npz")
    digits_x = np.load(FIX / "digits_f32.npy").astype(np.float64)
    return {
        "estimator": "LinearDiscriminantAnalysis(solver='lsqr', shrinkage=None | 'auto' | 0.3) on rows z-scored with the train rows' statistics; train = sorted(default_rng(seed).permutation(n)[:rows]), test = the rest",
        "breast_cancer_24": lda_shrinkage_case(z["X"].astype(np.float64), z["y"], 24, 6),
        "digits_96": lda_shrinkage_case(digits_x, np.load(FIX / "digits_labels.npy"), 96, 7),
    }


def shrinkage_edge_cases():
    """ledoit_wolf_shrinkage (assume_centered=False: rows are centred on their mean first) where its edge cases bite."""
    rng = np.random.default_rng(8)
    cases = {
        "one_feature": rng.normal(size=(20, 1)) * 3,
        "one_row": rng.normal(size=(1, 4)),
        "identical_rows": np.tile(rng.normal(size=(1, 3)), (6, 1)),
        "isotropic": np.array([[1.0, 0], [-1, 0], [0, 1], [0, -1]]),
        "few_rows": rng.normal(size=(5, 12)) * np.linspace(0.5, 3, 12),
        "anisotropic": rng.normal(size=(200, 6)) @ np.diag([10, 3, 1, 1, 0.3, 0.1]),
    }
    out = {"estimator": "sklearn.covariance.ledoit_wolf_shrinkage(X) and LedoitWolf().fit(X).covariance_; X is float32-exact"}
    for name, x in cases.items():
        x = x.astype(np.float32).astype(np.float64)
        out[name] = {"shape": list(x.shape), "x": floats(x), "shrinkage": float(ledoit_wolf_shrinkage(x)),
                     "covariance": floats(LedoitWolf().fit(x).covariance_)}
    return out


def mass_mean_anisotropic():
    """A toy set whose feature scales span three decades: the raw and the z-scored difference of means disagree."""
    rng = np.random.default_rng(17)
    n = 200
    y = np.arange(n) % 2
    x = (rng.normal(size=(n, 4)) * np.array([50.0, 5.0, 0.5, 0.05]) + y[:, None] * np.array([5.0, 2.0, 0.4, 0.05]))
    x = x.astype(np.float32).astype(np.float64)
    raw = x[y == 1].mean(0) - x[y == 0].mean(0)
    sd = x.std(0)
    z_direction = ((x - x.mean(0)) / sd)[y == 1].mean(0) - ((x - x.mean(0)) / sd)[y == 0].mean(0)
    as_raw = z_direction / sd
    return {
        "rows": n, "cols": 4, "x": floats(x), "y": y.tolist(), "train": "all rows",
        "raw_direction": floats(raw),
        "raw_intercept": float(-raw @ (x[y == 1].mean(0) + x[y == 0].mean(0)) / 2),
        "standardized_direction_in_raw_space": floats(as_raw),
        "cosine_raw_vs_standardized": float(raw @ as_raw / np.linalg.norm(raw) / np.linalg.norm(as_raw)),
    }


def platt_objective(f, y):
    """Platt's negative log-likelihood with his smoothed targets, as scikit-learn's _sigmoid_calibration."""
    n1 = float(np.sum(y > 0))
    n0 = len(y) - n1
    t = np.where(y > 0, (n1 + 1) / (n1 + 2), 1 / (n0 + 2))
    def fun(ab):
        p = expit(-(ab[0] * f + ab[1]))
        return -np.sum(t * np.log(p) + (1 - t) * np.log1p(-p))
    def grad(ab):
        p = expit(-(ab[0] * f + ab[1]))
        return np.array([np.dot(t - p, f), np.sum(t - p)])
    return fun, grad, np.array([0.0, np.log((n0 + 1) / (n1 + 1))])


def platt_cross_fitted():
    """CalibratedClassifierCV(LDA lsqr, method='sigmoid', cv=explicit stratified folds, ensemble=False) on breast_cancer."""
    z = np.load(FIX / "breast_cancer.npz")
    x, y = z["X"].astype(np.float64), z["y"]
    tr, te = split(len(y), 1)
    xs, _ = scaled(x, tr)
    folds = 5
    rng = np.random.default_rng(12)
    fold_of = np.empty(len(tr), dtype=np.int64)
    for c in (0, 1):
        members = rng.permutation(np.flatnonzero(y[tr] == c))
        fold_of[members] = np.arange(len(members)) % folds
    cv = [(np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)) for f in range(folds)]
    lda = LinearDiscriminantAnalysis(solver="lsqr")
    model = CalibratedClassifierCV(lda, method="sigmoid", cv=cv, ensemble=False).fit(xs[tr], y[tr])
    calibrator = model.calibrated_classifiers_[0].calibrators[0]
    oof = cross_val_predict(lda, xs[tr], y[tr], cv=cv, method="decision_function")
    fun, grad, start = platt_objective(oof, y[tr])
    tight = minimize(fun, start, jac=grad, method="BFGS", options={"gtol": 1e-12, "maxiter": 10_000}).x
    p_test = model.predict_proba(xs[te])[:, 1]
    return {
        "estimator": "CalibratedClassifierCV(LinearDiscriminantAnalysis(solver='lsqr'), method='sigmoid', cv=folds, ensemble=False) on the breast_cancer split",
        "convention": "scikit-learn's p = 1 / (1 + exp(a * f + b)) with f the LDA decision function",
        "folds": folds, "fold_of_train_row": fold_of.tolist(),
        "fold_rule": "per class, rows of that class in train order permuted by default_rng(12), then dealt round-robin",
        "a": float(calibrator.a_), "b": float(calibrator.b_),
        "a_tight": float(tight[0]), "b_tight": float(tight[1]),
        "tight": "the same objective minimised to gradient 1e-12 (scikit-learn's fmin_bfgs stops at 1e-5)",
        "out_of_fold_decision_first10": floats(oof[:10]),
        "test_proba": floats(p_test),
    }


def main() -> None:
    ref = {
        "generator": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, scipy {scipy.__version__}, "
                     f"Python {platform.python_version()} (tools/reference/sklearn_reference.py)",
        "breast_cancer": breast_cancer(), "digits": digits(), "diabetes": diabetes(), "layers": layers(), "probe_sweep": probe_sweep(), "lande": lande(), "lda_shrinkage": lda_shrinkage(),
        "shrinkage_edge_cases": shrinkage_edge_cases(), "mass_mean_anisotropic": mass_mean_anisotropic(),
        "platt_cross_fitted": platt_cross_fitted(),
        "planted": {
            "files": ["planted_acts.npy", "planted_dictionary.npy"], "d_in": 64, "true_features": 256, "active_per_row": 4,
            "generation": "rows = sparse nonnegative codes (exactly 4 active features, magnitudes 0.1 + Exp(1)) @ unit-norm dictionary + N(0, 0.01^2) noise",
            "recovery_metric": "MMCS: mean over true features of the max cosine similarity with any learned decoder row",
        },
        "contrast_pairs": {"note": "CCS should reach test accuracy (up to sign) well above 0.9; the +1/-1 offsets are a per-side mean that normalization must remove"},
    }
    (HERE / "reference.json").write_text(json.dumps(ref, indent=1) + "\n")


if __name__ == "__main__":
    main()
