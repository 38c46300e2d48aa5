// A run's setup without its data: method, hyperparameters, split and seed, and which arrays were used (by
// file name and key, since a colleague's files have their own ids). It round-trips through the URL so a setup
// can be shared and reproduced on someone else's files. Logistic, every probe-suite method, SAEs and SAE sweeps.

import { DEFAULT_LOGISTIC, type LogisticConfig } from '../../core/probes/logistic';
import { DEFAULT_SAE_CONFIG, type SaeConfig } from '../../core/sae/config';
import { parseSweepAxes, type SweepAxis } from '../../core/sweep/grid';
import { DEFAULT_SUITE_SETTINGS, SUITE_METHODS, type SuiteSettings } from './suite-settings';

export interface NamedRef {
  fileName: string;
  key: string;
}

export type SetupSplit =
  | { kind: 'random'; testFraction: number; seed: number; stratify: boolean }
  | { kind: 'file'; fileName: string }
  /** Whole groups of a metadata column go to one side (e.g. lande_meta.jsonl 'source'). */
  | { kind: 'group'; column: NamedRef; testFraction: number; seed: number };

export interface SetupData {
  activations?: NamedRef;
  labels?: NamedRef;
  classNames?: string;
  /** Probe suite: a separate evaluation file (train on one, evaluate on another). */
  external?: { activations: NamedRef; labels: NamedRef };
  /** Probe suite transfer matrix: the activation/label pairs, when not the layers of one file. */
  sets?: { activations: NamedRef; labels: NamedRef }[];
}

interface SetupBase {
  version: 1;
  split: SetupSplit;
  data: SetupData;
}

export type RunSetup =
  | (SetupBase & { method: 'logistic'; config: LogisticConfig })
  | (SetupBase & { method: 'suite'; suite: SuiteSettings })
  | (SetupBase & { method: 'sae'; config: SaeConfig })
  /** Every member's base settings and the grid, one `name=v1,v2` axis per line (part of the run's identity). */
  | (SetupBase & { method: 'sae-sweep'; config: SaeConfig; grid: string[] });

/** A sweep's axes as the setup keeps them: one canonical `name=v1,v2` line each, however they were typed. */
export function gridLines(axes: readonly SweepAxis[]): string[] {
  return axes.map((a) => `${a.name}=${a.values.join(',')}`);
}

const PARAM = 'setup';

export function encodeSetup(setup: RunSetup): string {
  const json = JSON.stringify(setup);
  const bytes = new TextEncoder().encode(json);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes and validates a shared setup; anything malformed is refused with the reason, never half-applied. */
export function decodeSetup(encoded: string): RunSetup {
  let parsed: unknown;
  try {
    const bin = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
  } catch (e) {
    throw new Error(`the shared setup in the URL is not readable: ${(e as Error).message}`, { cause: e });
  }
  return validateSetup(parsed);
}

/** Checks an untrusted setup (from a URL or an imported run) and fills settings it omits with the defaults. */
export function validateSetup(parsed: unknown): RunSetup {
  const s = parsed as Partial<RunSetup> & { config?: unknown; suite?: unknown; grid?: unknown };
  if (!s || typeof s !== 'object' || s.version !== 1)
    throw new Error(`the shared setup has version ${JSON.stringify(s?.version)}; this Probelab reads version 1`);
  const split = checkSplit(s.split);
  const data = checkData(s.data ?? {});
  switch (s.method) {
    case 'logistic':
      return {
        version: 1,
        method: 'logistic',
        config: checkLike(s.config ?? {}, DEFAULT_LOGISTIC, 'config') as LogisticConfig,
        split,
        data,
      };
    case 'sae':
      return {
        version: 1,
        method: 'sae',
        config: checkLike(s.config ?? {}, DEFAULT_SAE_CONFIG, 'config') as SaeConfig,
        split,
        data,
      };
    case 'sae-sweep': {
      const grid = s.grid;
      if (!Array.isArray(grid) || grid.length === 0 || grid.some((l) => typeof l !== 'string'))
        throw new Error(`the shared setup's grid is ${JSON.stringify(grid)}, expected lines such as "k=16,32"`);
      return {
        version: 1,
        method: 'sae-sweep',
        config: checkLike(s.config ?? {}, DEFAULT_SAE_CONFIG, 'config') as SaeConfig,
        grid: gridLines(parseSweepAxes(grid)),
        split,
        data,
      };
    }
    case 'suite': {
      const suite = checkLike(s.suite ?? {}, DEFAULT_SUITE_SETTINGS, 'suite') as SuiteSettings;
      return { version: 1, method: 'suite', suite, split, data };
    }
    default:
      throw new Error(`the shared setup names an unknown method ${JSON.stringify(s.method)}`);
  }
}

/** String settings that take one of a few values; a shared setup with any other value is refused. */
const CHOICES: Record<string, readonly string[]> = {
  method: SUITE_METHODS,
  optimizer: ['lbfgs', 'adam'],
  classWeight: ['none', 'balanced'],
  variant: ['plain', 'iid'],
  selectBy: ['accuracy', 'logLoss', 'auroc'],
  architecture: ['relu', 'topk', 'batchtopk', 'jumprelu'],
  bDecInit: ['mean', 'geometric-median', 'zero'],
  shrinkage: ['none', 'ledoit-wolf'],
};

/**
 * A value shaped like the template: missing keys take the template's value, unknown keys are dropped, and each
 * value must have the template's type (a null default also takes a number; LDA's shrinkage also a number in [0, 1]).
 */
function checkLike(value: unknown, template: object, path: string): object {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`the shared setup's ${path} is ${JSON.stringify(value)}, expected an object`);
  const v = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(template)) {
    const x = k in v ? v[k] : def;
    const name = `${path}.${k}`;
    const bad = (expected: string) =>
      new Error(`the shared setup's ${name.replace(/^config\./, '')} is ${JSON.stringify(x)}, expected ${expected}`);
    if (k === 'shrinkage' && typeof x === 'number') {
      if (!(x >= 0 && x <= 1)) throw bad('a number in [0, 1]');
    } else if (def === null) {
      if (x !== null && !(typeof x === 'number' && Number.isFinite(x))) throw bad('null or a number');
    } else if (Array.isArray(def)) {
      if (!Array.isArray(x) || x.some((e) => typeof e !== 'number' || !Number.isFinite(e)))
        throw bad('a list of numbers');
    } else if (typeof def === 'object') {
      out[k] = checkLike(x, def, name);
      continue;
    } else if (typeof x !== typeof def) {
      throw bad(`a ${typeof def}`);
    } else if (typeof x === 'number' && !Number.isFinite(x)) {
      throw bad('a finite number');
    } else if (typeof x === 'string' && CHOICES[k] && !CHOICES[k].includes(x)) {
      throw bad(`one of ${CHOICES[k].join(', ')}`);
    }
    out[k] = x;
  }
  return out;
}

function checkRef(r: unknown, what: string): NamedRef {
  const ref = r as NamedRef;
  if (!ref || typeof ref.fileName !== 'string' || typeof ref.key !== 'string')
    throw new Error(`the shared setup's ${what} is ${JSON.stringify(r)}, expected {fileName, key}`);
  return { fileName: ref.fileName, key: ref.key };
}

function checkSplit(split: unknown): SetupSplit {
  const sp = split as SetupSplit | undefined;
  const fractionOk = (f: unknown) => typeof f === 'number' && f > 0 && f < 1;
  switch (sp?.kind) {
    case 'random':
      if (!(fractionOk(sp.testFraction) && Number.isInteger(sp.seed) && typeof sp.stratify === 'boolean'))
        throw new Error(`the shared setup's split is invalid: ${JSON.stringify(sp)}`);
      return { kind: 'random', testFraction: sp.testFraction, seed: sp.seed, stratify: sp.stratify };
    case 'file':
      if (typeof sp.fileName !== 'string')
        throw new Error(`the shared setup's split is invalid: ${JSON.stringify(sp)}`);
      return { kind: 'file', fileName: sp.fileName };
    case 'group':
      if (!(fractionOk(sp.testFraction) && Number.isInteger(sp.seed)))
        throw new Error(`the shared setup's split is invalid: ${JSON.stringify(sp)}`);
      return {
        kind: 'group',
        column: checkRef(sp.column, 'group column'),
        testFraction: sp.testFraction,
        seed: sp.seed,
      };
    default:
      throw new Error('the shared setup has no valid split');
  }
}

function checkData(d: unknown): SetupData {
  if (typeof d !== 'object' || d === null)
    throw new Error(`the shared setup's data is ${JSON.stringify(d)}, expected an object`);
  const x = d as SetupData;
  const out: SetupData = {};
  if (x.activations !== undefined) out.activations = checkRef(x.activations, 'activations');
  if (x.labels !== undefined) out.labels = checkRef(x.labels, 'labels');
  if (x.classNames !== undefined) {
    if (typeof x.classNames !== 'string')
      throw new Error(`the shared setup's classNames is ${JSON.stringify(x.classNames)}, expected a file name`);
    out.classNames = x.classNames;
  }
  const pair = (p: unknown, what: string) => {
    const q = p as { activations?: unknown; labels?: unknown } | null;
    return {
      activations: checkRef(q?.activations, `${what} activations`),
      labels: checkRef(q?.labels, `${what} labels`),
    };
  };
  if (x.external !== undefined) out.external = pair(x.external, 'evaluation file');
  if (x.sets !== undefined) {
    if (!Array.isArray(x.sets))
      throw new Error(`the shared setup's transfer sets are ${JSON.stringify(x.sets)}, expected a list`);
    out.sets = x.sets.map((p, i) => pair(p, `transfer set ${i}`));
  }
  return out;
}

export function setupFromUrl(url: URL): RunSetup | null {
  const hash = new URLSearchParams(url.hash.replace(/^#/, ''));
  const encoded = hash.get(PARAM);
  return encoded ? decodeSetup(encoded) : null;
}

export function urlWithSetup(url: URL, setup: RunSetup): string {
  const next = new URL(url.href);
  next.hash = `${PARAM}=${encodeSetup(setup)}`;
  return next.href;
}
