import { expect, test } from 'vitest';
import { SaeState } from '../../../src/ui/sae/sae-state.svelte';
import { DEFAULT_SAE_CONFIG, type SaeConfig } from '../../../src/core/sae/config';
import { CHECKPOINT_VERSION, encodeCheckpoint } from '../../../src/core/sae/checkpoint';
import type { JobPort } from '../../../src/ui/methods/method';
import type { CheckpointRecord } from '../../../src/ui/checkpoints/checkpoint-store';
import type { FileSummary, JobSpec, SaeResultSummary, SaeSweepResult } from '../../../src/protocol';

/** A port that records what the SAE tab sends (the worker is not involved: this is the page's bookkeeping). */
function recordingPort() {
  const sent: { spec: JobSpec; carry?: { fields: string[]; columns: (number | null)[][] } }[] = [];
  const port: JobPort = {
    send: (slot, spec, _handlers, carry) => {
      sent.push({ spec: structuredClone(spec), carry });
      slot.sent(sent.length, carry);
      return sent.length;
    },
    post: () => {},
    keep: () => {},
    notify: () => {},
    ready: true,
  };
  return { port, sent };
}

const files: FileSummary[] = [
  {
    fileId: 'f9',
    name: 'planted_acts.npy',
    sizeBytes: 1,
    kind: 'npy',
    tensors: [{ key: '', dtype: 'f32', shape: [100, 4] }],
    columns: [],
  },
];
const data = {
  files,
  activations: { fileId: 'f9', key: '' },
  labels: null,
  split: { kind: 'random' as const, testFraction: 0.25, seed: 0, stratify: true },
  rowText: null,
  rows: 100,
  setupSplit: { kind: 'random' as const, testFraction: 0.25, seed: 0, stratify: true },
  setupData: {},
  named: () => undefined,
};

function checkpointBytes(config: SaeConfig, step: number): ArrayBuffer {
  const m = config.dSae;
  const d = 4;
  const zeros = (n: number) => new Float32Array(n);
  const params = [zeros(d * m), zeros(m), zeros(m * d), zeros(d)];
  return encodeCheckpoint({
    version: CHECKPOINT_VERSION,
    config,
    dIn: d,
    dSae: m,
    dataRows: 100,
    scale: 1,
    transform: 'none',
    savedAt: 0,
    trainer: { t: step, params, adamM: params, adamV: params, batchThreshold: null, trainer: 'wgsl' },
    loop: {
      step,
      rowsSeen: step * 8,
      rngState: 1,
      order: Int32Array.from({ length: 75 }, (_, i) => i),
      cursor: 0,
      sinceFired: new Float64Array(m),
    },
  });
}

/** A stored checkpoint of a run started with k = 16 and edited live to k = 24 before step 30. */
function storedRun(): CheckpointRecord {
  const started: SaeConfig = { ...DEFAULT_SAE_CONFIG, dSae: 32, k: 16, steps: 100 };
  const live = { ...started, k: 24 };
  return {
    runKey: 'sae-1',
    tag: 'main',
    step: 30,
    totalSteps: 100,
    savedAt: 0,
    paused: true,
    spec: { activations: { fileId: 'old-id', key: '' }, transform: 'none', config: live },
    files: { 'old-id': 'planted_acts.npy' },
    bytes: checkpointBytes(live, 30),
    progress: {
      fields: ['step', 'trainFvu'],
      columns: [Array.from({ length: 30 }, (_, i) => i), Array.from({ length: 30 }, () => 0.5)],
    },
  };
}

test("a checkpoint's record takes the live config it was taken with (an edit during the run included)", () => {
  const sae = new SaeState();
  const { port, sent } = recordingPort();
  sae.config = { ...DEFAULT_SAE_CONFIG, dSae: 32, k: 16 };
  sae.run(port, data);
  const jobId = sae.slot.jobId!;
  expect((sent[0].spec as Extract<JobSpec, { method: 'sae-train' }>).sae.split).toEqual(data.split);
  void sae.checkpoints.received({
    jobId,
    step: 30,
    paused: false,
    bytes: checkpointBytes({ ...sae.config, k: 24 }, 30),
  });
  expect(sae.checkpoints.current?.spec.config.k).toBe(24);
});

test('resuming continues with the checkpoint config (k = 24, not the 16 it started with) and its curves', () => {
  const sae = new SaeState();
  const { port, sent } = recordingPort();
  sae.checkpoints.stored = [storedRun()];
  // After a reload the page shows the defaults; the run's own config wins.
  expect(sae.resume(port, data, 'sae-1')).toBe(true);
  const spec = sent[0].spec as Extract<JobSpec, { method: 'sae-train' }>;
  expect(spec.sae.config.k).toBe(24);
  expect(spec.sae.activations.fileId).toBe('f9');
  expect(spec.sae.resumeFrom).toBeInstanceOf(ArrayBuffer);
  expect(sae.config.k).toBe(24);
  expect(sent[0].carry?.columns[0]).toHaveLength(30);
  expect(sae.slot.progress.columns[0].at(-1)).toBe(29);
  expect(sae.editNote).toMatch(/Resumed from the checkpoint at step 30/);
});

test('an edit made while this run was paused applies on resume when it can continue the run', () => {
  const sae = new SaeState();
  const { port, sent } = recordingPort();
  sae.checkpoints.stored = [storedRun()];
  sae.pausedRunKey = 'sae-1';
  sae.config = { ...storedRun().spec.config, k: 28 };
  sae.resume(port, data, 'sae-1');
  expect((sent[0].spec as Extract<JobSpec, { method: 'sae-train' }>).sae.config.k).toBe(28);
  // A change that needs fresh weights cannot continue the run: the run's own config is kept.
  const other = new SaeState();
  const b = recordingPort();
  other.checkpoints.stored = [storedRun()];
  other.pausedRunKey = 'sae-1';
  other.config = { ...storedRun().spec.config, dSae: 64 };
  other.resume(b.port, data, 'sae-1');
  expect((b.sent[0].spec as Extract<JobSpec, { method: 'sae-train' }>).sae.config.dSae).toBe(32);
});

test('a finished sweep offers each member that has a summary for comparison beside the current run', () => {
  const sae = new SaeState();
  const summary = (dSae: number) => ({ dSae }) as unknown as SaeResultSummary;
  sae.results = { main: summary(8) };
  sae.sweep.result = {
    implementation: 'tfjs-cpu',
    elapsedMs: 1,
    batches: 1,
    members: [
      { member: { id: 0, label: 'k=4' }, summary: summary(16) },
      { member: { id: 1, label: 'k=8' }, summary: null },
    ],
  } as unknown as SaeSweepResult;
  expect(sae.comparable().map((e) => [e.tag, e.name, e.result.dSae])).toEqual([
    ['main', 'current run', 8],
    ['sweep-0', 'sweep: k=4', 16],
  ]);
});
