"""Runs the scikit-learn scripts `probelab probe --export-sklearn` writes, and records what they print.

For each case: the CLI (built: `npm run build:cli`) writes the script into tools/reference/sklearn_export/, Debian's
python3 + python3-sklearn runs it, and sklearn_export.json records the CLI arguments, the script's SHA-256 with its
"this run" block (file paths, Probelab's own number) left out, and the JSON line it printed. The test re-exports
each case and checks the hash (the exporter still writes the script that was run) and that Probelab's held-out
accuracy is within 0.01 of scikit-learn's.

usage: /usr/bin/python3 tools/reference/sklearn_export_check.py
"""
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "sklearn_export"
BEGIN = "# --- this run: files (paths relative to this script) and Probelab's held-out accuracy ---"
END = "# --- end of this run ---"

CASES = {
    "breast_cancer_C0.01": [
        "test/fixtures/breast_cancer.npz", "--labels", "test/fixtures/breast_cancer.npz",
        "--key", "X", "--labels-key", "y", "--C", "0.01",
    ],
    "digits_balanced_C0.1": [
        "test/fixtures/digits.safetensors", "--key", "activations", "--labels", "test/fixtures/digits_labels.csv",
        "--labels-key", "label", "--C", "0.1", "--balanced", "--test-fraction", "0.3", "--seed", "3",
    ],
}


def stable_hash(text: str) -> str:
    a, b = text.find(BEGIN), text.find(END)
    if a >= 0 and b > a:
        text = text[:a] + text[b + len(END):]
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def main():
    OUT.mkdir(exist_ok=True)
    results = {}
    for name, args in CASES.items():
        script = OUT / f"{name}.py"
        subprocess.run(
            ["node", "bin/probelab.mjs", "probe", *args, "--engine", "cpu", "--export-sklearn", str(script.relative_to(ROOT))],
            cwd=ROOT, check=True, capture_output=True,
        )
        printed = subprocess.run([sys.executable, str(script)], check=True, capture_output=True, text=True).stdout
        results[name] = {
            "args": args,
            "script": str(script.relative_to(ROOT)),
            "sha256_without_run_block": stable_hash(script.read_text()),
            "printed": json.loads(printed.strip().splitlines()[-1]),
        }
        print(name, results[name]["printed"])
    import sklearn
    doc = {"generatedBy": "tools/reference/sklearn_export_check.py", "sklearn": sklearn.__version__, "cases": results}
    (Path(__file__).resolve().parent / "sklearn_export.json").write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
