// Every job the worker runs, what it reports when it starts, and what it returns.
import type { AnalysisResult, AnalysisSpec } from './analysis';
import type { LabelledDataRefs, ProbeResultSummary } from './probe';
import type { LogisticConfig } from '../core/probes/logistic';
import type { ProbeSuiteMethod, ProbeSuiteResult, ProbeSuiteSpec } from './probe-suite';
import type { SaeEvalSpec, SaeResultSummary, SaeTrainSpec } from './sae';
import type { SaeSweepResult, SaeSweepSpec } from './sweep';

/** Every job the worker runs, discriminated by method. */
export type JobSpec =
  | { method: 'logistic'; data: LabelledDataRefs; config: LogisticConfig }
  | { method: 'analysis'; analysis: AnalysisSpec }
  | { method: 'suite'; suite: ProbeSuiteSpec }
  | { method: 'sae-train'; sae: SaeTrainSpec }
  | { method: 'sae-eval'; sae: SaeEvalSpec }
  /** Progress points: a running count, the member's id, then its step's SAE_PROGRESS_FIELDS. */
  | { method: 'sae-sweep'; sweep: SaeSweepSpec };

export type JobMethod = JobSpec['method'];

/** What a job reports when it starts: the names of its progress columns and the sizes it trains on. */
export interface JobStartInfo {
  /** The job's method; a probe-suite job names its suite method (e.g. 'lda'). */
  method: JobMethod | ProbeSuiteMethod;
  fields: string[];
  trainRows: number;
  testRows: number;
  classes: string[];
}

export type JobResult =
  | ProbeResultSummary
  | { method: 'analysis'; result: AnalysisResult }
  | { method: 'suite'; result: ProbeSuiteResult }
  | { method: 'sae'; result: SaeResultSummary }
  | { method: 'sae-sweep'; result: SaeSweepResult };

/** Packs named values in the given field order; undefined metrics travel as NaN and arrive as null. */
export function packProgress<F extends string>(fields: readonly F[], values: Record<F, number | null>): Float64Array {
  return Float64Array.from(fields, (f) => values[f] ?? NaN);
}
