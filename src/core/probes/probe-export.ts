// Export a trained linear probe — weights, bias, the standardization it expects and its class names — as
// .safetensors, .npz (of .npy members) or JSON, and import it back. The binary formats hold f32 (the precision
// the engine scores in); JSON holds f64. Each import returns exactly the values that were exported (f32 ones
// as f32 widened to f64), so export → import → export is byte-identical.
// Tensor names: weight [cols, outputs] (standardized space), bias [outputs], mean [cols], scale [cols], and the same
// probe on raw activations, raw_weight [cols, outputs] and raw_bias [outputs]; CCS adds mean_minus, scale_minus (the
// x₋ side's centring) and raw_weight_minus, raw_bias_minus. Every format states the space in its metadata: `space`
// in words, `weight_space` as 'activations' (fitted on raw rows: mean 0, scale 1) or 'standardized'.

import { zipSync } from 'fflate';
import { bytesSource } from '../formats/byte-source';
import { DataFileError } from '../formats/errors';
import { writeNpyF32 } from '../formats/npy-writer';
import { openNpz } from '../formats/npz';
import { openSafetensors } from '../formats/safetensors';
import { writeSafetensors, type F32Tensor } from '../formats/safetensors-writer';
import type { TensorEntry } from '../formats/tensor-entry';
import { openZip, readEntry } from '../formats/zip';
import { rawSpaceWeights, type LinearProbeModel, type ProbeMethod } from './linear-probe';

export const PROBE_FORMAT = 'probelab-probe';
export const PROBE_FORMAT_VERSION = 1;
const METHODS: ProbeMethod[] = ['logistic', 'mass-mean', 'mass-mean-iid', 'lda', 'ridge', 'ccs'];

/** Everything but the arrays: stored as safetensors __metadata__, as probe.json inside the .npz, or inline in JSON. */
interface ProbeMeta {
  format: typeof PROBE_FORMAT;
  version: number;
  method: ProbeMethod;
  link: 'logit' | 'identity';
  cols: number;
  outputs: number;
  classes: string[];
  /** Which space `weight` and `bias` act on; written on export, not needed to import. */
  weight_space?: 'activations' | 'standardized';
  space?: string;
}

/** Fitted on raw rows: the standardization is the identity, so weight and raw_weight are the same numbers. */
function fittedOnActivations(m: LinearProbeModel): boolean {
  const { mean, scale } = m.standardization;
  return !m.pairStandardization && mean.every((v) => v === 0) && scale.every((v) => v === 1);
}

const PROBE_SPACE_NOTE =
  'weight [cols, outputs] row-major and bias act on standardized rows: scores = ((x - mean) / scale) · weight + bias; ' +
  'raw_weight and raw_bias are the same probe on raw activations: scores = x · raw_weight + raw_bias';

const ACTIVATION_SPACE_NOTE =
  'weight [cols, outputs] row-major and bias act on raw activations: scores = x · weight + bias (mean 0 and scale 1 ' +
  'are the identity); raw_weight and raw_bias repeat them';

const CCS_SPACE_NOTE =
  'weight and bias act on each side of a pair standardized by its own statistics: ' +
  'p+ = sigmoid(((x+ - mean) / scale) · weight + bias), p- = sigmoid(((x- - mean_minus) / scale_minus) · weight + bias), ' +
  'credence = (p+ + 1 - p-) / 2; on raw activations p+ = sigmoid(x+ · raw_weight + raw_bias) and ' +
  'p- = sigmoid(x- · raw_weight_minus + raw_bias_minus)';

function spaceOf(m: LinearProbeModel): Pick<ProbeMeta, 'weight_space' | 'space'> {
  if (m.pairStandardization) return { weight_space: 'standardized', space: CCS_SPACE_NOTE };
  return fittedOnActivations(m)
    ? { weight_space: 'activations', space: ACTIVATION_SPACE_NOTE }
    : { weight_space: 'standardized', space: PROBE_SPACE_NOTE };
}

function metaOf(m: LinearProbeModel): ProbeMeta {
  return {
    format: PROBE_FORMAT,
    version: PROBE_FORMAT_VERSION,
    method: m.method,
    link: m.link,
    cols: m.cols,
    outputs: m.outputs,
    classes: m.classes,
    ...spaceOf(m),
  };
}

/** The raw-activation twins: raw_weight/raw_bias, and for CCS the x₋ side's raw_weight_minus/raw_bias_minus. */
function rawTwins(m: LinearProbeModel): { name: string; shape: number[]; data: Float64Array }[] {
  const plus = rawSpaceWeights(m);
  const out = [
    { name: 'raw_weight', shape: [m.cols, m.outputs], data: plus.weight },
    { name: 'raw_bias', shape: [m.outputs], data: plus.bias },
  ];
  if (m.pairStandardization) {
    const minus = rawSpaceWeights({ ...m, standardization: m.pairStandardization });
    out.push({ name: 'raw_weight_minus', shape: [m.cols, m.outputs], data: minus.weight });
    out.push({ name: 'raw_bias_minus', shape: [m.outputs], data: minus.bias });
  }
  return out;
}

/** The probe with every array rounded to f32, as the binary formats store it. */
function asStored(m: LinearProbeModel): LinearProbeModel {
  const f32 = (a: Float64Array) => Float64Array.from(Float32Array.from(a));
  const st = (s: LinearProbeModel['standardization']) => ({ mean: f32(s.mean), scale: f32(s.scale) });
  return {
    ...m,
    weights: f32(m.weights),
    intercept: f32(m.intercept),
    standardization: st(m.standardization),
    ...(m.pairStandardization ? { pairStandardization: st(m.pairStandardization) } : {}),
  };
}

function tensorsOf(m: LinearProbeModel): F32Tensor[] {
  const t: F32Tensor[] = [
    { name: 'weight', shape: [m.cols, m.outputs], data: Float32Array.from(m.weights) },
    { name: 'bias', shape: [m.outputs], data: Float32Array.from(m.intercept) },
    { name: 'mean', shape: [m.cols], data: Float32Array.from(m.standardization.mean) },
    { name: 'scale', shape: [m.cols], data: Float32Array.from(m.standardization.scale) },
  ];
  if (m.pairStandardization) {
    t.push({ name: 'mean_minus', shape: [m.cols], data: Float32Array.from(m.pairStandardization.mean) });
    t.push({ name: 'scale_minus', shape: [m.cols], data: Float32Array.from(m.pairStandardization.scale) });
  }
  // From the stored f32 values, so export → import → export writes the same bytes.
  for (const r of rawTwins(asStored(m))) t.push({ name: r.name, shape: r.shape, data: Float32Array.from(r.data) });
  return t;
}

export function probeToSafetensors(m: LinearProbeModel): Uint8Array {
  return writeSafetensors(tensorsOf(m), { probelab: JSON.stringify(metaOf(m)) });
}

/** An .npz of .npy members (numpy's np.load reads it) plus probe.json with the method and class names. */
export function probeToNpz(m: LinearProbeModel): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const t of tensorsOf(m)) files[`${t.name}.npy`] = [writeNpyF32(t.data, t.shape), { level: 0 }];
  files['probe.json'] = [new TextEncoder().encode(JSON.stringify(metaOf(m))), { level: 0 }];
  // A fixed timestamp so the same probe always exports to the same bytes.
  return zipSync(files, { mtime: new Date('2000-01-01T00:00:00Z') });
}

/** The probe as plain JSON values: the tensors the importers read, the raw-activation twins, and the space. */
export function probeToPlain(m: LinearProbeModel): Record<string, unknown> {
  return {
    ...metaOf(m),
    weight: Array.from(m.weights),
    bias: Array.from(m.intercept),
    mean: Array.from(m.standardization.mean),
    scale: Array.from(m.standardization.scale),
    ...(m.pairStandardization
      ? { mean_minus: Array.from(m.pairStandardization.mean), scale_minus: Array.from(m.pairStandardization.scale) }
      : {}),
    ...Object.fromEntries(rawTwins(m).map((r) => [r.name, Array.from(r.data)])),
  };
}

export function probeToJson(m: LinearProbeModel): string {
  return JSON.stringify(probeToPlain(m));
}

export async function probeFromSafetensors(bytes: Uint8Array, file = 'probe.safetensors'): Promise<LinearProbeModel> {
  const st = await openSafetensors(bytesSource(file, bytes));
  if (!st.metadata.probelab)
    throw new DataFileError(file, 'no "probelab" entry in __metadata__: not a probe exported by Probelab', {
      offset: 8,
    });
  return assemble(file, parseMeta(file, st.metadata.probelab), await readTensors(st.tensors));
}

export async function probeFromNpz(bytes: Uint8Array, file = 'probe.npz'): Promise<LinearProbeModel> {
  const source = bytesSource(file, bytes);
  const zip = await openZip(source);
  const metaEntry = zip.find('probe.json');
  if (!metaEntry) throw new DataFileError(file, 'no probe.json member: not a probe exported by Probelab');
  const meta = parseMeta(file, new TextDecoder().decode(await readEntry(zip, metaEntry, 1 << 20)));
  return assemble(file, meta, await readTensors(await openNpz(source, zip)));
}

export function probeFromJson(text: string, file = 'probe.json'): LinearProbeModel {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DataFileError(file, `not valid JSON: ${(e as Error).message}`);
  }
  const meta = parseMeta(file, JSON.stringify(raw));
  const arrays = new Map<string, Float64Array>();
  for (const key of ['weight', 'bias', 'mean', 'scale', 'mean_minus', 'scale_minus']) {
    const v = raw[key];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number'))
      throw new DataFileError(file, `"${key}" must be an array of numbers`, { key });
    arrays.set(key, Float64Array.from(v as number[]));
  }
  return assemble(file, meta, arrays);
}

async function readTensors(entries: TensorEntry[]): Promise<Map<string, Float64Array>> {
  const out = new Map<string, Float64Array>();
  for (const e of entries) out.set(e.key, Float64Array.from(await e.readF32()));
  return out;
}

function parseMeta(file: string, text: string): ProbeMeta {
  let m: Partial<ProbeMeta>;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new DataFileError(file, `probe metadata is not valid JSON: ${(e as Error).message}`);
  }
  if (m.format !== PROBE_FORMAT)
    throw new DataFileError(file, `format is ${JSON.stringify(m.format)}, expected "${PROBE_FORMAT}"`);
  if (m.version !== PROBE_FORMAT_VERSION)
    throw new DataFileError(
      file,
      `probe format version ${m.version} is not supported (this build reads ${PROBE_FORMAT_VERSION})`,
    );
  if (!METHODS.includes(m.method as ProbeMethod))
    throw new DataFileError(file, `unknown probe method ${JSON.stringify(m.method)}`);
  if (m.link !== 'logit' && m.link !== 'identity')
    throw new DataFileError(file, `unknown link ${JSON.stringify(m.link)}`);
  if (!(Number.isInteger(m.cols) && m.cols! > 0 && Number.isInteger(m.outputs) && m.outputs! > 0)) {
    throw new DataFileError(file, `invalid probe size: cols ${m.cols}, outputs ${m.outputs}`);
  }
  if (!Array.isArray(m.classes) || m.classes.some((c) => typeof c !== 'string'))
    throw new DataFileError(file, 'classes must be a list of names');
  return m as ProbeMeta;
}

function assemble(file: string, meta: ProbeMeta, arrays: Map<string, Float64Array>): LinearProbeModel {
  const need = (key: string, length: number): Float64Array => {
    const a = arrays.get(key);
    if (!a) throw new DataFileError(file, `missing tensor "${key}"`, { key });
    if (a.length !== length)
      throw new DataFileError(
        file,
        `"${key}" has ${a.length} values; a probe with ${meta.cols} features and ${meta.outputs} outputs needs ${length}`,
        { key },
      );
    const bad = a.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new DataFileError(file, `"${key}"[${bad}] = ${a[bad]} is not finite`, { key });
    return a;
  };
  const scale = need('scale', meta.cols);
  const zero = scale.findIndex((v) => v === 0);
  if (zero >= 0)
    throw new DataFileError(file, `"scale"[${zero}] is 0; a standardization scale must be non-zero`, { key: 'scale' });
  const model: LinearProbeModel = {
    method: meta.method,
    link: meta.link,
    cols: meta.cols,
    outputs: meta.outputs,
    classes: meta.classes,
    weights: need('weight', meta.cols * meta.outputs),
    intercept: need('bias', meta.outputs),
    standardization: { mean: need('mean', meta.cols), scale },
  };
  if (arrays.has('mean_minus'))
    model.pairStandardization = { mean: need('mean_minus', meta.cols), scale: need('scale_minus', meta.cols) };
  return model;
}
