"""Field lists of the training configs Probelab's scale-out export writes, read from the libraries' sources.

Parses the dataclass definitions (names, annotations, defaults) with `ast` — nothing is imported or executed —
from git snapshots of SAELens and EleutherAI sparsify, and writes one JSON per library beside the SAE layout
fixtures. Inherited fields are merged along the class's bases inside the same library, as dataclasses do.

usage: python3 tools/reference/library_config_fields.py SAELENS_GIT_DIR SPARSIFY_GIT_DIR
(a bare or normal clone; the committed JSON came from jbloomAus/SAELens v6.18.0 and EleutherAI/sparsify 1.3.0)
"""
import ast
import json
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / 'test' / 'fixtures' / 'sae-layouts'


def git(repo, *args):
    return subprocess.run(['git', '--git-dir', repo, *args], check=True, capture_output=True, text=True).stdout


def simple_type(ann):
    """The JSON type a value of this annotation is written as: int, float, bool, str, list, dict, object, or a
    union joined by '|' (None as 'null')."""
    if ann is None:
        return 'object'
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        parts = simple_type(ann.left).split('|') + simple_type(ann.right).split('|')
        return '|'.join(dict.fromkeys(parts))
    if isinstance(ann, ast.Constant) and ann.value is None:
        return 'null'
    if isinstance(ann, ast.Name):
        return {'int': 'int', 'float': 'float', 'bool': 'bool', 'str': 'str', 'dict': 'dict', 'list': 'list'}.get(
            ann.id, 'object'
        )
    if isinstance(ann, ast.Subscript):
        base = ann.value.id if isinstance(ann.value, ast.Name) else ast.unparse(ann.value)
        if base == 'Literal':
            elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
            kinds = {type(e.value).__name__ for e in elts if isinstance(e, ast.Constant)}
            return '|'.join(sorted(kinds)) if kinds else 'object'
        if base in ('list', 'tuple', 'List', 'Tuple'):
            return 'list'
        if base in ('dict', 'Dict'):
            return 'dict'
        if base == 'Optional':
            return simple_type(ann.slice) + '|null'
    return 'object'


def default_of(value):
    """The default as JSON where it is a literal; otherwise the source text (a factory or an expression)."""
    if value is None:
        return {'required': True}
    try:
        return {'default': ast.literal_eval(value)}
    except (ValueError, SyntaxError):
        pass
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub):
        return {'default': -ast.literal_eval(value.operand)}
    src = ast.unparse(value)
    if isinstance(value, ast.Call):
        fn = ast.unparse(value.func)
        kws = {k.arg: k.value for k in value.keywords}
        if fn in ('field', 'dataclasses.field') and 'default' in kws:
            return default_of(kws['default'])
        if fn == 'list_field':
            try:
                return {'default': [ast.literal_eval(a) for a in value.args]}
            except ValueError:
                pass
    return {'defaultExpr': src}


def classes_in(repo, commit, paths):
    found = {}
    for path in paths:
        tree = ast.parse(git(repo, 'show', f'{commit}:{path}'))
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                fields = {}
                for stmt in node.body:
                    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                        if ast.unparse(stmt.annotation).startswith('ClassVar'):
                            continue
                        fields[stmt.target.id] = {
                            'type': simple_type(stmt.annotation),
                            'annotation': ast.unparse(stmt.annotation),
                            **default_of(stmt.value),
                        }
                bases = [ast.unparse(b).split('[')[0] for b in node.bases]
                found[node.name] = {'file': path, 'bases': bases, 'own': fields}
    return found


def merged(found, name):
    c = found[name]
    out = {}
    for b in reversed(c['bases']):
        if b in found:
            out.update(merged(found, b))
    out.update(c['own'])
    return out


def library(repo, label, paths, wanted):
    commit = git(repo, 'rev-parse', 'HEAD').strip()
    found = classes_in(repo, commit, paths)
    return {
        'source': f'{label} @{commit}',
        'generatedBy': 'tools/reference/library_config_fields.py',
        'classes': {
            name: {'file': found[name]['file'], 'fields': merged(found, name)} for name in wanted
        },
    }


def main():
    saelens, sparsify = sys.argv[1], sys.argv[2]
    sl = library(
        saelens,
        'jbloomAus/SAELens v6.18.0',
        [
            'sae_lens/config.py',
            'sae_lens/saes/sae.py',
            'sae_lens/saes/standard_sae.py',
            'sae_lens/saes/topk_sae.py',
            'sae_lens/saes/batchtopk_sae.py',
            'sae_lens/saes/jumprelu_sae.py',
        ],
        [
            'LanguageModelSAERunnerConfig',
            'LoggingConfig',
            'StandardTrainingSAEConfig',
            'TopKTrainingSAEConfig',
            'BatchTopKTrainingSAEConfig',
            'JumpReLUTrainingSAEConfig',
        ],
    )
    sp = library(
        sparsify,
        'EleutherAI/sparsify 1.3.0',
        ['sparsify/config.py', 'sparsify/__main__.py'],
        ['SparseCoderConfig', 'TrainConfig', 'RunConfig'],
    )
    for name, doc in (('saelens6-training-fields.json', sl), ('sparsify-training-fields.json', sp)):
        (OUT / name).write_text(json.dumps(doc, indent=1) + '\n')
        print(name, {k: len(v['fields']) for k, v in doc['classes'].items()})


if __name__ == '__main__':
    main()
