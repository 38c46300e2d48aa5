// Benchmark flags: --name=value or --name value; sizes default small so the run finishes on SwiftShader.
export interface BenchArgs {
  B: number;
  d: number;
  m: number;
  k: number;
  N: number;
  logD: number[];
  classes: number;
  /** Rows of the generated [ingestRows, d] f32 file the ingestion section parses. */
  ingestRows: number;
  steps: number;
  sections: string[];
  dawnFlags: string[];
  tol: number;
  maxIter: number;
  /** Sweep sizes N the sweep section compares with N sequential runs. */
  sweepN: (4 | 16)[];
  /**
   * The sweep section's shape (small: SwiftShader emulates the GPU on the CPU), warm-up steps, and the rounds of
   * timed steps every way takes in turn (steps per round).
   */
  sweepB: number;
  sweepD: number;
  sweepM: number;
  sweepK: number;
  sweepWarmup: number;
  sweepRounds: number;
  sweepSteps: number;
  /** The CPU engine's warm-up and steps per round (its steps take milliseconds, not SwiftShader's hundreds). */
  sweepCpuWarmup: number;
  sweepCpuSteps: number;
  /** A torch_reference.py JSON to fold in, with ratios. */
  torch?: string;
}

const DEFAULTS: BenchArgs = {
  B: 256,
  d: 64,
  m: 512,
  k: 8,
  N: 2048,
  logD: [64],
  classes: 1,
  steps: 3,
  ingestRows: 65536,
  sections: [
    'matmul',
    'relu',
    'topk',
    'trainer',
    'logistic',
    'ingest',
    'tfjs',
    'sweep',
    'cpu.sae',
    'cpu.logistic',
    'cpu.eigen',
    'cpu.ingest',
  ],
  dawnFlags: [],
  tol: 1e-4,
  maxIter: 100,
  sweepN: [4, 16],
  sweepB: 64,
  sweepD: 64,
  sweepM: 256,
  sweepK: 4,
  sweepWarmup: 2,
  sweepRounds: 3,
  sweepSteps: 2,
  sweepCpuWarmup: 20,
  sweepCpuSteps: 50,
};

export function parseArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (!raw.startsWith('--')) throw new Error(`invalid argument: ${raw}`);
    const [key, inline] = raw.slice(2).split('=', 2) as [string, string | undefined];
    const val = inline ?? argv[++i];
    if (val === undefined) throw new Error(`invalid argument: --${key} needs a value`);
    switch (key) {
      case 'B':
      case 'd':
      case 'm':
      case 'k':
      case 'N':
      case 'steps':
      case 'classes':
      case 'maxIter':
      case 'tol':
      case 'ingestRows':
      case 'sweepB':
      case 'sweepD':
      case 'sweepM':
      case 'sweepK':
      case 'sweepWarmup':
      case 'sweepRounds':
      case 'sweepSteps':
      case 'sweepCpuWarmup':
      case 'sweepCpuSteps': {
        const n = Number(val);
        if (!(n > 0)) throw new Error(`invalid --${key}: ${val}`);
        (a as unknown as Record<string, number>)[key] = n;
        break;
      }
      case 'logD':
        a.logD = val.split(',').map(Number);
        break;
      case 'sections':
        a.sections = val.split(',');
        break;
      case 'sweepN':
        a.sweepN = val.split(',').map((v) => {
          if (v !== '4' && v !== '16') throw new Error(`invalid --sweepN: ${val} (4 and/or 16)`);
          return Number(v) as 4 | 16;
        });
        break;
      case 'torch':
        a.torch = val;
        break;
      case 'dawnFlags':
        a.dawnFlags = val.split(' ').filter(Boolean);
        break;
      default:
        throw new Error(`invalid argument: --${key}`);
    }
  }
  return a;
}
