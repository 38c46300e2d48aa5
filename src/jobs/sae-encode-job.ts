// Encodes every row of an activation array with an imported SAE, block by block, on the same engine encode the
// app's evaluation uses: per-row input normalisation on the host, codes from the engine, reconstructions
// f·W_dec + b_dec on the host in f64 (then de-normalised). Only one block's codes exist at a time, so memory is
// bounded whatever the number of rows; the sink writes each block out before the next is read.
import type { Engine } from '../core/engine/engine';
import { decodeRows } from '../core/sae/decode-rows';
import { denormalizeRows, normalizeRows } from '../core/sae/input-norm';
import type { SaeWeights } from '../core/sae/params';
import type { ArrayRef } from '../protocol';
import type { DatasetStore } from './dataset-store';

export interface SaeEncodeSink {
  /** Called once before any block, with the number of rows every later call adds up to. */
  begin(info: { rows: number; dIn: number; dSae: number; implementation: string }): Promise<void>;
  /** Present when the raw input rows of each block are wanted (before codes and reconstructions). */
  inputs?(block: Float32Array, rows: number): Promise<void>;
  codes(block: Float32Array, rows: number): Promise<void>;
  /** Present when reconstructions are wanted. */
  reconstructions?(block: Float32Array, rows: number): Promise<void>;
}

export interface SaeEncodeSummary {
  rows: number;
  blocks: number;
  dIn: number;
  dSae: number;
  implementation: string;
  /** Mean number of nonzero codes per row. */
  meanL0: number;
}

/** Rows per block: about 16 MiB of codes or inputs (whichever row is wider), at least one row. */
export function encodeBlockRows(dIn: number, dSae: number, blockBytes = 16 << 20): number {
  return Math.max(1, Math.floor(blockBytes / (4 * Math.max(dIn, dSae))));
}

export async function runSaeEncodeJob(
  engine: Engine,
  store: DatasetStore,
  activations: ArrayRef,
  w: SaeWeights,
  sink: SaeEncodeSink,
  options: { rowsPerBlock?: number } = {},
): Promise<SaeEncodeSummary> {
  const view = store.view(activations);
  if (view.cols !== w.dIn) throw new Error(`the SAE has d_in = ${w.dIn} but the activations have ${view.cols} columns`);
  const perBlock = options.rowsPerBlock ?? encodeBlockRows(w.dIn, w.dSae);
  const trainer = engine.saeTrainer({ architecture: w.architecture, dIn: w.dIn, dSae: w.dSae }, { evaluate: w });
  let rows = 0;
  let blocks = 0;
  let nonzero = 0;
  try {
    await sink.begin({ rows: view.rows, dIn: w.dIn, dSae: w.dSae, implementation: trainer.implementation });
    for await (const b of store.blocks(activations, perBlock * w.dIn * 4)) {
      await sink.inputs?.(b.data, b.rows);
      const norm = w.inputNorm ? normalizeRows(b.data, b.rows, w.dIn, w.inputNorm, b.rowStart) : undefined;
      const codes = await trainer.encode(norm?.x ?? b.data, b.rows, w.k ?? 0);
      for (let i = 0; i < codes.length; i++) if (codes[i] !== 0) nonzero++;
      await sink.codes(codes, b.rows);
      if (sink.reconstructions) {
        const recon = decodeRows(codes, b.rows, w);
        if (norm) denormalizeRows(recon, b.rows, w.dIn, norm.stats);
        await sink.reconstructions(recon, b.rows);
      }
      rows += b.rows;
      blocks++;
    }
  } finally {
    trainer.dispose();
  }
  if (rows !== view.rows) throw new Error(`encoded ${rows} rows but the activations have ${view.rows}`);
  return {
    rows,
    blocks,
    dIn: w.dIn,
    dSae: w.dSae,
    implementation: trainer.implementation,
    meanL0: rows ? nonzero / rows : 0,
  };
}
