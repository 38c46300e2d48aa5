// `probelab encode`: a pretrained SAE (any format the page imports) applied to an activation file on the app's
// engine, the codes (N × d_sae) and optionally the reconstructions (N × d_in) written as f32 .npy a block of rows
// at a time, so neither the codes nor the input are ever held whole.
import { readdirSync, statSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { nodeFileSource } from '../core/formats/node-source';
import { f32LittleEndian, npyHeaderF32 } from '../core/formats/npy-writer';
import { readSae } from '../core/sae/import/import-sae';
import type { ImportedSae } from '../core/sae/import/sae-source';
import { DatasetStore } from '../jobs/dataset-store';
import { runSaeEncodeJob } from '../jobs/sae-encode-job';
import { numberFlag, stringFlag, type CliArgs } from './args';
import { openInto, openSources, pickKey, startEngine } from './inputs';

/** The side configs a library writes beside its weights; other JSON in a folder is not the SAE's. */
const SIDE_CONFIGS = ['cfg.json', 'config.json'];

/** A folder's SAE files, or a weights file with the cfg.json / config.json beside it. */
export async function loadSae(path: string): Promise<ImportedSae> {
  // A side config named directly stands for its folder.
  const full = /\.json$/i.test(path) ? dirname(resolve(path)) : resolve(path);
  let st;
  try {
    st = statSync(full);
  } catch {
    throw new Error(`--sae ${path}: no such file or folder`);
  }
  const paths = st.isDirectory()
    ? readdirSync(full)
        .filter((n) => !/\.json$/i.test(n) || SIDE_CONFIGS.includes(n))
        .map((n) => join(full, n))
        .filter(isFile)
    : [full, ...SIDE_CONFIGS.map((n) => join(dirname(full), n)).filter(isFile)];
  const sources = [];
  for (const p of paths) {
    const s = await nodeFileSource(p);
    openSources.push(s);
    sources.push(s);
  }
  return readSae(sources);
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** An .npy being written row block by row block: the header first (the row count is known), then the data. */
class NpyStream {
  private handle?: FileHandle;
  constructor(readonly path: string) {}

  async begin(shape: number[]): Promise<void> {
    this.handle = await open(this.path, 'w');
    await this.handle.write(npyHeaderF32(shape));
  }

  async append(block: Float32Array): Promise<void> {
    await this.handle!.write(f32LittleEndian(block));
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

export async function encode(args: CliArgs): Promise<Record<string, unknown>> {
  const [actsPath] = args.positional;
  const saePath = stringFlag(args, 'sae');
  const out = stringFlag(args, 'out');
  if (!actsPath || !saePath || !out) throw new Error('encode needs --sae PATH, ACTS and --out CODES.npy (see --help)');
  const reconPath = stringFlag(args, 'reconstruct');
  const blockRows = args.flags.has('block-rows') ? numberFlag(args, 'block-rows', 0) : undefined;
  if (blockRows !== undefined && !(Number.isSafeInteger(blockRows) && blockRows >= 1))
    throw new Error(`--block-rows must be a positive integer, got ${blockRows}`);
  const outputs = [out, reconPath].filter((p): p is string => !!p).map((p) => resolve(p));
  if (outputs.includes(resolve(actsPath)) || new Set(outputs).size < outputs.length)
    throw new Error('--out and --reconstruct must be new files, different from ACTS and from each other');

  const sae = await loadSae(saePath);
  const { engine } = await startEngine(args);
  const store = new DatasetStore();
  const acts = await openInto(store, 'acts', actsPath);
  const activations = { fileId: acts.fileId, key: pickKey(acts, stringFlag(args, 'key'), 2) };
  const quiet = args.flags.has('quiet');
  if (!quiet) for (const note of sae.notes) console.error(`note: ${note}`);
  const codes = new NpyStream(out);
  const recon = reconPath ? new NpyStream(reconPath) : undefined;
  let r;
  try {
    r = await runSaeEncodeJob(
      engine,
      store,
      activations,
      sae.weights,
      {
        begin: async (i) => {
          if (!quiet)
            console.error(
              `encoding ${i.rows} rows with ${sae.name} (${sae.format} ${sae.variant}), ${i.implementation}`,
            );
          await codes.begin([i.rows, i.dSae]);
          await recon?.begin([i.rows, i.dIn]);
        },
        codes: (block) => codes.append(block),
        reconstructions: recon && ((block) => recon.append(block)),
      },
      { rowsPerBlock: blockRows },
    );
  } catch (e) {
    // A half-written .npy would read back with fewer rows than its header says: remove it.
    await Promise.all([codes, recon].map(async (s) => s && (await s.close(), await rm(s.path, { force: true }))));
    throw e;
  }
  await codes.close();
  await recon?.close();
  const w = sae.weights;
  return {
    engine: engine.info,
    implementation: r.implementation,
    sae: {
      name: sae.name,
      format: sae.format,
      variant: sae.variant,
      architecture: w.architecture,
      dIn: w.dIn,
      dSae: w.dSae,
      k: w.k,
      inputNorm: w.inputNorm ?? 'none',
      notes: sae.notes,
    },
    activations: `${acts.name}${activations.key ? `:${activations.key}` : ''}`,
    rows: r.rows,
    blocks: r.blocks,
    meanL0: r.meanL0,
    codes: { path: out, shape: [r.rows, r.dSae] },
    reconstructions: reconPath ? { path: reconPath, shape: [r.rows, r.dIn] } : null,
  };
}

export function encodeTable(result: Record<string, unknown>): string {
  const sae = result.sae as { name: string; format: string; variant: string; architecture: string; dSae: number };
  const codes = result.codes as { path: string; shape: number[] };
  const recon = result.reconstructions as { path: string; shape: number[] } | null;
  const lines = [
    `${sae.name} (${sae.format} ${sae.variant} → ${sae.architecture}) on ${result.activations} (${result.implementation}): ${result.rows} rows in ${result.blocks} block${result.blocks === 1 ? '' : 's'}, mean L0 ${(result.meanL0 as number).toFixed(2)}`,
    `  codes [${codes.shape.join(', ')}] in ${codes.path}`,
  ];
  if (recon) lines.push(`  reconstructions [${recon.shape.join(', ')}] in ${recon.path}`);
  return lines.join('\n');
}
