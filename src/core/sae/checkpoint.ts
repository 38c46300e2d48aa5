// An SAE training checkpoint and its binary format: parameters, Adam moments and step counter, the dead-latent
// tracker, the batch stream's position (RNG state, epoch order, cursor) and the live config, so a resumed run
// continues exactly where the checkpoint was taken. One ArrayBuffer (transferable, storable in IndexedDB):
//   "PLSAECK1" | u32 header bytes | header JSON (utf-8) | pad to 8 | f32/f64/i32 blocks | u32 CRC-32 of all before.
// The CRC makes a truncated or bit-flipped checkpoint fail loudly instead of resuming from garbage.
import { crc32 } from '../formats/crc32';
import type { SaeConfig } from './config';

const MAGIC = 'PLSAECK1';
/**
 * 2: the config counts the dead-latent window in tokens (deadWindowTokens) and delays BatchTopK's θ estimate
 * (thresholdStartStep). A version 1 checkpoint is read with the config that continues its run under its own
 * rules (upgradeConfigV1); the binary layout is the same.
 */
export const CHECKPOINT_VERSION = 2;

/** A checkpoint is taken after `everySteps` steps or `everyMs` ms, whichever comes first. */
export interface CheckpointPolicy {
  everySteps: number;
  everyMs: number;
}
/** Every 200 steps or 30 s: a lost device or a reload costs at most that much of a long run. */
export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { everySteps: 200, everyMs: 30_000 };

/** A trainer's full state: everything needed to continue its Adam steps bit-for-bit. */
export interface SaeTrainerState {
  /** Adam steps applied. */
  t: number;
  /** Parameters in Adam order: W_enc [d, m], b_enc [m], W_dec [m, d], b_dec [d], then log θ [m] for JumpReLU. */
  params: Float32Array[];
  /** Adam first and second moments, in the same order. */
  adamM: Float32Array[];
  adamV: Float32Array[];
  /** BatchTopK's EMA threshold (null before its first step, and for other architectures). */
  batchThreshold: number | null;
  /** Which trainer wrote it: a tfjs checkpoint (CPU backend, BatchTopK/JumpReLU, or an older WGSL run that had moved to tfjs for AuxK) resumes on tfjs. */
  trainer: 'wgsl' | 'tfjs';
}

/** The training loop's position: where the batch stream is and what the dead-latent tracker saw. */
export interface SaeLoopState {
  /** Steps done: the next step to run. */
  step: number;
  rowsSeen: number;
  rngState: number;
  /** The current epoch's order of training rows, and how many of them were consumed. */
  order: Int32Array;
  cursor: number;
  /** Rows since each latent last fired. */
  sinceFired: Float64Array;
}

export interface SaeCheckpoint {
  version: number;
  /** The live config at the checkpoint (edits included): a resumed run continues with it. */
  config: SaeConfig;
  dIn: number;
  dSae: number;
  /** The data it was trained on: rows, and the activation scale (a cheap fingerprint of the rows). */
  dataRows: number;
  scale: number;
  transform: 'none' | 'shuffle-columns';
  savedAt: number;
  trainer: SaeTrainerState;
  loop: SaeLoopState;
}

type Block = { key: string; kind: 'f32' | 'f64' | 'i32'; length: number };

export function encodeCheckpoint(c: SaeCheckpoint): ArrayBuffer {
  const arrays: Array<[string, Float32Array | Float64Array | Int32Array]> = [
    ...c.trainer.params.map((a, i) => [`p${i}`, a] as [string, Float32Array]),
    ...c.trainer.adamM.map((a, i) => [`m${i}`, a] as [string, Float32Array]),
    ...c.trainer.adamV.map((a, i) => [`v${i}`, a] as [string, Float32Array]),
    ['order', c.loop.order],
    ['sinceFired', c.loop.sinceFired],
  ];
  const blocks: Block[] = arrays.map(([key, a]) => ({
    key,
    kind: a instanceof Float32Array ? 'f32' : a instanceof Float64Array ? 'f64' : 'i32',
    length: a.length,
  }));
  const header = {
    version: c.version,
    config: c.config,
    dIn: c.dIn,
    dSae: c.dSae,
    dataRows: c.dataRows,
    scale: c.scale,
    transform: c.transform,
    savedAt: c.savedAt,
    nParams: c.trainer.params.length,
    trainer: { t: c.trainer.t, batchThreshold: c.trainer.batchThreshold, trainer: c.trainer.trainer },
    loop: { step: c.loop.step, rowsSeen: c.loop.rowsSeen, rngState: c.loop.rngState, cursor: c.loop.cursor },
    blocks,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(8 + 4 + json.length);
  let size = dataStart;
  for (const [, a] of arrays) size = align8(size + a.byteLength);
  const buf = new ArrayBuffer(size + 4);
  const bytes = new Uint8Array(buf);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(buf).setUint32(8, json.length, true);
  bytes.set(json, 12);
  let at = dataStart;
  for (const [, a] of arrays) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at = align8(at + a.byteLength);
  }
  new DataView(buf).setUint32(size, crc32(new Uint8Array(buf, 0, size)), true);
  return buf;
}

/** Reads and checks a checkpoint; every refusal says what is wrong ("not a Probelab SAE checkpoint", CRC, shapes). */
export function decodeCheckpoint(buf: ArrayBuffer): SaeCheckpoint {
  const bad = (why: string) => new Error(`invalid SAE checkpoint: ${why}`);
  if (buf.byteLength < 16) throw bad(`${buf.byteLength} bytes is too short`);
  const bytes = new Uint8Array(buf);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad('not a Probelab SAE checkpoint (bad magic)');
  const view = new DataView(buf);
  const size = buf.byteLength - 4;
  const want = view.getUint32(size, true),
    got = crc32(bytes.subarray(0, size));
  if (want !== got)
    throw bad(
      `checksum mismatch (stored ${hex(want)}, computed ${hex(got)}): the checkpoint is corrupted or truncated`,
    );
  const jsonLength = view.getUint32(8, true);
  if (12 + jsonLength > size) throw bad(`header length ${jsonLength} runs past the end`);
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jsonLength)));
  if (h.version !== CHECKPOINT_VERSION && h.version !== 1)
    throw bad(`version ${h.version}, this build reads versions 1 to ${CHECKPOINT_VERSION}`);
  if (h.version === 1) h.config = upgradeConfigV1(h.config, h.dataRows);
  const out: Record<string, Float32Array | Float64Array | Int32Array> = {};
  let at = align8(12 + jsonLength);
  for (const b of h.blocks as Block[]) {
    const width = b.kind === 'f64' ? 8 : 4;
    if (at + b.length * width > size) throw bad(`block ${b.key} (${b.length} × ${b.kind}) runs past the end`);
    const copy = buf.slice(at, at + b.length * width);
    out[b.key] =
      b.kind === 'f32' ? new Float32Array(copy) : b.kind === 'f64' ? new Float64Array(copy) : new Int32Array(copy);
    at = align8(at + b.length * width);
  }
  const n: number = h.nParams;
  const list = (p: string) => Array.from({ length: n }, (_, i) => out[`${p}${i}`] as Float32Array);
  const c: SaeCheckpoint = {
    version: h.version,
    config: h.config,
    dIn: h.dIn,
    dSae: h.dSae,
    dataRows: h.dataRows,
    scale: h.scale,
    transform: h.transform,
    savedAt: h.savedAt,
    trainer: {
      t: h.trainer.t,
      batchThreshold: h.trainer.batchThreshold,
      trainer: h.trainer.trainer,
      params: list('p'),
      adamM: list('m'),
      adamV: list('v'),
    },
    loop: { ...h.loop, order: out.order as Int32Array, sinceFired: out.sinceFired as Float64Array },
  };
  checkShapes(c);
  return c;
}

/**
 * A version 1 config, rewritten so the resumed run keeps the rules it was started under: its θ estimate fed from
 * the first step, and its dead-latent window (null then meant one pass over the training rows, which the random
 * split of `dataRows` rows at the held-out fraction fixes).
 */
export function upgradeConfigV1(v1: Record<string, unknown>, dataRows: number): SaeConfig {
  const { deadWindowRows, ...rest } = v1;
  const heldOut = Math.round(dataRows * (v1.heldOutFraction as number));
  return {
    ...(rest as unknown as SaeConfig),
    deadWindowTokens: (deadWindowRows as number | null) ?? dataRows - heldOut,
    thresholdStartStep: 0,
  };
}

function checkShapes(c: SaeCheckpoint): void {
  const { dIn: d, dSae: m } = c;
  const want = [d * m, m, m * d, d, ...(c.trainer.params.length === 5 ? [m] : [])];
  if (c.trainer.params.length !== 4 && c.trainer.params.length !== 5)
    throw new Error(`invalid SAE checkpoint: ${c.trainer.params.length} parameter tensors, expected 4 or 5`);
  for (const [name, list] of [
    ['parameter', c.trainer.params],
    ['Adam m', c.trainer.adamM],
    ['Adam v', c.trainer.adamV],
  ] as const) {
    list.forEach((a, i) => {
      if (!a || a.length !== want[i])
        throw new Error(
          `invalid SAE checkpoint: ${name} ${i} has ${a?.length ?? 0} values, expected ${want[i]} (d_in = ${d}, d_sae = ${m})`,
        );
    });
  }
  if (c.loop.sinceFired.length !== m)
    throw new Error(
      `invalid SAE checkpoint: dead-latent tracker has ${c.loop.sinceFired.length} latents, expected ${m}`,
    );
  if (!(c.loop.step >= 0) || c.loop.cursor < 0 || c.loop.cursor > c.loop.order.length)
    throw new Error(`invalid SAE checkpoint: step ${c.loop.step}, cursor ${c.loop.cursor} of ${c.loop.order.length}`);
}

/** The step a stored checkpoint resumes from, read from its header only (no copy of the blocks). */
export function checkpointStep(buf: ArrayBuffer): number {
  return checkpointHeader(buf).loop.step;
}

/** The live config a checkpoint was taken with (edits made during the run included), read from its header. */
export function checkpointConfig(buf: ArrayBuffer): SaeConfig {
  return checkpointHeader(buf).config;
}

function checkpointHeader(buf: ArrayBuffer): { config: SaeConfig; loop: { step: number } } {
  const view = new DataView(buf);
  const json = new TextDecoder().decode(new Uint8Array(buf, 12, view.getUint32(8, true)));
  return JSON.parse(json);
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;
const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
