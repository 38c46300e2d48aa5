// A finished run as it is kept in the browser and exported: setup (with seed), engine, curves, result. The
// result is the method's own: a logistic probe summary, a probe-suite result (a probe sweep's whole grid with
// every cell's probe), an SAE summary, or what is kept of an SAE sweep (see kept-sweep).

import type { EngineInfo } from '../../core/engine/engine';
import type { JobResult } from '../../protocol';
import type { KeptSaeSweep } from '../sae/kept-sweep';
import { validateSetup, type RunSetup } from './run-setup';
import { parseTyped, stringifyTyped } from './typed-json';

/** Every trained method's result; analyses are not kept (they are recomputed from their setup in seconds). */
/** An SAE sweep is kept as its grid and members' final metrics, without their weights. */
export type RunResult =
  Exclude<JobResult, { method: 'analysis' } | { method: 'sae-sweep' }> | { method: 'sae-sweep'; result: KeptSaeSweep };

export interface RunRecord {
  id: string;
  name: string;
  createdAt: number;
  setup: RunSetup;
  engine: EngineInfo | null;
  progress: { fields: string[]; columns: (number | null)[][] };
  result: RunResult;
  /** Kept by the user: never replaced by a rerun and never dropped from the capped history. */
  pinned?: boolean;
}

const FORMAT = 'probelab-run';
const RESULT_METHODS: readonly string[] = ['logistic', 'suite', 'sae', 'sae-sweep'] satisfies RunResult['method'][];

export function exportRun(run: RunRecord): string {
  return stringifyTyped({ format: FORMAT, version: 1, run }, 1);
}

export function importRun(text: string, source: string): RunRecord {
  let parsed: { format?: string; version?: number; run?: RunRecord };
  try {
    parsed = parseTyped(text, source) as typeof parsed;
  } catch (e) {
    throw new Error(`${source}: not a Probelab run export (${(e as Error).message})`, { cause: e });
  }
  if (parsed?.format !== FORMAT)
    throw new Error(`${source}: not a Probelab run export (format is ${JSON.stringify(parsed?.format)})`);
  if (parsed.version !== 1)
    throw new Error(`${source}: run export version ${parsed.version} is newer than this Probelab reads (1)`);
  const run = parsed.run;
  const missing = ['id', 'name', 'createdAt', 'setup', 'progress', 'result'].filter((k) => !(run && k in run));
  if (missing.length) throw new Error(`${source}: the run is missing ${missing.join(', ')}`);
  if (!RESULT_METHODS.includes(run!.result?.method))
    throw new Error(`${source}: the run's result has an unknown method ${JSON.stringify(run!.result?.method)}`);
  try {
    validateSetup(run!.setup);
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message.replace(/^the shared setup/, "the run's setup")}`, { cause: e });
  }
  return run!;
}
