// Headless Probelab: the same parsers, store, jobs and engine as the app's worker, driven from the command line,
// so a scripted sweep (or a run on a GPU machine with no browser) reproduces what the UI shows on the same inputs.
//   probelab probe ACTS --labels LABELS [--split split.json | --test-fraction 0.25 --seed 0] [--C 1] ...
//   probelab probe ACTS… --labels LABELS --sweep layer=all --sweep C=0.01,0.1,1,10 [--out DIR] [--csv FILE]
//   probelab sae ACTS [--arch topk] [--d-sae 512] [--k 32] [--steps 2000] --out DIR ...
//   probelab sae ACTS --sweep k=16,32,64 --sweep d-sae=1024,4096 --out DIR
//   probelab encode --sae PATH ACTS --out CODES.npy [--reconstruct RECON.npy]
//   probelab compare SAE_A SAE_B ACTS [--json]
//   probelab scale-out SAE_DIR --to saelens|sparsify --out DIR
import { listFlag, parseArgs, type CliArgs } from './args';
import { compare, compareTable } from './compare-command';
import { encode, encodeTable } from './encode-command';
import { openSources } from './inputs';
import { probe, probeTable } from './probe-command';
import { probeSweep, probeSweepTable } from './probe-sweep-command';
import { sae, saeTable } from './sae-command';
import { saeSweep, saeSweepTable } from './sae-sweep-command';
import { scaleOutCommand, scaleOutTable } from './scale-out-command';
import { version } from '../../package.json';
import { enableRelaxedSimd } from '../engine/cpu/kernels/node-relaxed-simd';
import { installWasmHostKernels } from '../engine/cpu/kernels/host-f64';
import { nodeHostThreads } from '../engine/cpu/kernels/node-host-threads';

const HELP = `probelab: probes and sparse autoencoders on activation files (the engine of the Probelab app, headless)

usage:
  probelab probe ACTS --labels LABELS [options]
  probelab probe ACTS… --labels LABELS --sweep layer=all --sweep C=0.01,0.1,1,10 [options]
  probelab sae ACTS [options]
  probelab encode --sae PATH ACTS --out CODES.npy [options]
  probelab scale-out SAE_DIR --to saelens|sparsify --out DIR
  probelab compare SAE_A SAE_B ACTS [options]
  probelab --version

ACTS and LABELS are any file the app reads (.npy .npz .safetensors .pt .h5 .csv .jsonl).
common options:
  --key K            tensor key inside ACTS (default: the only 2-D tensor, or the first)
  --engine E         auto (default) | webgpu | cpu
  --json             print one JSON document (default: a short table)
  --budget B         raise the file readers' limits, e.g. tensors=1e6,tableBytes=1g (also env
                     PROBELAB_BUDGETS; the names and defaults are in the README)
probe options:
  --labels-key K     tensor key or table column inside LABELS (default: the only 1-D array)
  --method M         logistic (default) | lda | mass-mean
  --shrinkage S      lda only: none (default) | auto (Ledoit-Wolf) | X in [0, 1], as scikit-learn's
                     LinearDiscriminantAnalysis(solver='lsqr', shrinkage=…)
  --variant V        mass-mean only: plain (default, θ = μ₁ − μ₀ in activation space) | iid (whitened,
                     LDA-like: θ = Σ_w⁺ (μ₁ − μ₀));  --standardize  mass-mean on z-scored rows instead
  --C X              inverse L2 strength, scikit-learn's C (default 1)
  --optimizer O      lbfgs (default) | adam;  --lr X  Adam learning rate;  --max-iter N;  --tol X
  --no-standardize   do not z-score features (logistic, lda);  --balanced  balanced class weights
  --split FILE       JSON with train_idx / test_idx
  --export-sklearn F logistic only: write a scikit-learn script to F that refits the probe on the same files and
                     rows (indices written out) and prints one JSON line with the held-out accuracy
  --test-fraction F  seeded random split (default 0.25);  --seed N (default 0);  --no-stratify
probe sweeps (every cell cross-validated on the same stratified folds of the training rows):
  --sweep NAME=V,…   repeatable; layer=all | layer=0,3 (every [L, N, D] slice or [N, D] tensor of the ACTS files,
                     in order, or by name), C=…, method=logistic,lda, shrinkage=… (lda)
  --folds N (5);  --fold-seed N (0);  --select-by accuracy (default) | auroc | logLoss: how the best cell is
                     chosen, on the CV folds, never on held-out rows
  --out DIR          write probe_sweep.json and probe_sweep.csv there;  --csv FILE  the CSV table alone
  --quiet            no progress lines on stderr
sae options (defaults are the app's):
  --arch A           topk (default) | batchtopk | relu | jumprelu
  --d-sae N          dictionary size (512);  --k N  active latents (32);  --sparsity X  λ for relu/jumprelu (5)
  --steps N (2000);  --batch N (256);  --lr X (2e-4·√(2¹⁴/d_sae));  --auxk-alpha X (1/32);  --seed N (0)
  --held-out F       rows never trained on (0.1);  --eval-every N (50);  --no-normalize
  --grad-clip C      clip of the global gradient norm (1, as SAELens) | none
  --out DIR          write SAELens cfg.json + sae_weights.safetensors and probelab_summary.json there
  --sweep NAME=V1,V2 train every combination in one job on shared batches; repeat per axis. NAME: arch, k,
                     sparsity, d-sae, lr, seed. --out DIR then holds one SAELens folder per member, sweep.json
                     and frontier.csv (held-out L0 against FVU, Pareto frontier marked)
  --memory-budget G  GiB all sweep members may take on the device (4); a grid over it is refused up front
  --quiet            no progress lines on stderr
encode options:
  --sae PATH         a pretrained SAE: a folder or a weights file (with the cfg.json / config.json beside it) in any
                     format the app imports: SAELens (cfg.json + sae_weights.safetensors), dictionary_learning
                     (ae.pt + config.json), Gemma Scope params.npz, sparsify (cfg.json + sae.safetensors), OpenAI .pt
  --out FILE         the codes, N × d_sae float32 .npy (written a block of rows at a time)
  --reconstruct FILE the reconstructions, N × d_in float32 .npy
  --block-rows N     rows per block (default: about 16 MiB of codes)
  --quiet            no notes or progress on stderr
compare options (SAE_A, SAE_B: folders or weights files in any format encode --sae takes; ACTS: held-out rows):
  --key K            tensor key inside ACTS;  --json  every number, per-latent best matches included
                     prints FVU, L0 and dead fraction of each SAE on ACTS, and decoder matching both ways: MMCS
                     and the latents whose best match has cosine ≥ 0.7 and ≥ 0.9
scale-out options (SAE_DIR: a folder from \`probelab sae --out\` or the page's SAE export):
  --to L             saelens (SAELens 6 LanguageModelSAERunnerConfig) | sparsify (TrainConfig, run by torchrun)
  --out DIR          writes the library's config JSON, a Python launcher and a README of every mapping and of the
                     settings with no exact equivalent; model, hook point, dataset and token count are placeholders
                     unless the SAE's metadata holds them
WebGPU in Node uses Dawn; on a machine without a GPU driver point it at SwiftShader:
  VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json`;

const COMMANDS: Record<
  string,
  {
    values: string[];
    bools: string[];
    run: (a: CliArgs) => Promise<Record<string, unknown>>;
    table: (r: Record<string, unknown>) => string;
  }
> = {
  probe: {
    values: [
      'labels',
      'key',
      'labels-key',
      'method',
      'shrinkage',
      'variant',
      'C',
      'optimizer',
      'lr',
      'max-iter',
      'tol',
      'split',
      'test-fraction',
      'seed',
      'engine',
      'budget',
      'sweep',
      'folds',
      'fold-seed',
      'select-by',
      'out',
      'csv',
      'export-sklearn',
    ],
    bools: ['json', 'no-standardize', 'standardize', 'balanced', 'no-stratify', 'quiet', 'help'],
    run: (a) => (listFlag(a, 'sweep').length > 0 ? probeSweep(a) : probe(a)),
    table: (r) => (r.method === 'probe-sweep' ? probeSweepTable(r) : probeTable(r)),
  },
  sae: {
    values: [
      'key',
      'arch',
      'd-sae',
      'k',
      'sparsity',
      'steps',
      'batch',
      'lr',
      'auxk-alpha',
      'grad-clip',
      'seed',
      'held-out',
      'eval-every',
      'out',
      'engine',
      'budget',
      'sweep',
      'memory-budget',
    ],
    bools: ['json', 'no-normalize', 'quiet', 'help'],
    // --sweep turns one run into a grid of them (sae-sweep-command.ts).
    run: (a) => (listFlag(a, 'sweep').length ? saeSweep(a) : sae(a)),
    table: (r) => ('sweep' in r ? saeSweepTable(r) : saeTable(r)),
  },
  encode: {
    values: ['sae', 'key', 'out', 'reconstruct', 'block-rows', 'engine'],
    bools: ['json', 'quiet', 'help'],
    run: encode,
    table: encodeTable,
  },
  compare: {
    values: ['key', 'engine', 'budget'],
    bools: ['json', 'help'],
    run: compare,
    table: compareTable,
  },
  'scale-out': {
    values: ['to', 'out'],
    bools: ['json', 'help'],
    run: scaleOutCommand,
    table: scaleOutTable,
  },
};

/** Resolves once the text has been handed to the OS, so ending the process afterwards loses none of it. */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

export async function main(argv: string[]): Promise<number> {
  // Before any kernel module compiles: the CPU engine's GEMM then fuses its multiply-adds (Node 20 has the flag off).
  enableRelaxedSimd();
  // Commands that never start an engine (LDA, LEACE, PCA on the host) still get the fast eigensolver kernels, on
  // every core.
  installWasmHostKernels(nodeHostThreads());
  if (argv[0] === '--version' || argv[0] === 'version') {
    await writeStdout(`probelab ${version}\n`);
    return 0;
  }
  const command = COMMANDS[argv[0] ?? ''];
  if (!command) {
    const asked = argv[0] === undefined || argv[0] === 'help' || argv[0] === '--help';
    if (asked) {
      console.log(HELP);
      return 0;
    }
    console.error(`probelab: unknown command '${argv[0]}'\n\n${HELP}`);
    return 2;
  }
  let args: CliArgs;
  try {
    args = parseArgs(argv, new Set(command.values), new Set(command.bools));
  } catch (e) {
    console.error(`probelab: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.flags.has('help')) {
    console.log(HELP);
    return 0;
  }
  try {
    const result = await command.run(args);
    await writeStdout(`${args.flags.has('json') ? JSON.stringify(result, null, 1) : command.table(result)}\n`);
    return 0;
  } catch (e) {
    console.error(`probelab: ${(e as Error).message}`);
    return 1;
  } finally {
    await Promise.all(openSources.splice(0).map((s) => s.close()));
  }
}
