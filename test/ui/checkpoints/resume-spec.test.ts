// Resuming a stored checkpoint on a reloaded page: data references are remapped to the files loaded now, by name;
// a file not loaded yet is named instead of resuming on the wrong data.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SAE_CONFIG } from '../../../src/core/sae/config';
import type { CheckpointRecord } from '../../../src/ui/checkpoints/checkpoint-store';
import { resumeSpec, specFileIds } from '../../../src/ui/checkpoints/resume-spec';
import type { FileSummary } from '../../../src/protocol';

const file = (fileId: string, name: string): FileSummary => ({
  fileId,
  name,
  sizeBytes: 1,
  kind: 'npy',
  tensors: [],
  columns: [],
});
const record: CheckpointRecord = {
  runKey: 'r',
  tag: 'main',
  step: 20,
  totalSteps: 100,
  savedAt: 1,
  paused: false,
  files: { f1: 'planted_acts.npy', f2: 'meta.jsonl' },
  spec: {
    activations: { fileId: 'f1', key: '' },
    transform: 'none',
    config: DEFAULT_SAE_CONFIG,
    browser: { text: { fileId: 'f2', key: 'text' } },
  },
  bytes: new ArrayBuffer(8),
};

describe('resume spec', () => {
  it('finds every referenced file id', () => {
    expect([...specFileIds(record.spec)].sort()).toEqual(['f1', 'f2']);
  });

  it('remaps file ids by name to the files loaded after a reload, and carries the checkpoint bytes', () => {
    const r = resumeSpec(record, [file('f9', 'meta.jsonl'), file('f7', 'planted_acts.npy')]);
    if (!('spec' in r) || r.spec.method !== 'sae-train') throw new Error('expected a spec');
    expect(r.spec.sae.activations.fileId).toBe('f7');
    expect(r.spec.sae.browser!.text!.fileId).toBe('f9');
    expect(r.spec.sae.resumeFrom).toBe(record.bytes);
    expect(r.spec.sae.config).toEqual(DEFAULT_SAE_CONFIG);
  });

  it('names the files still to load instead of resuming', () => {
    expect(resumeSpec(record, [file('f1', 'planted_acts.npy')])).toEqual({ missing: ['meta.jsonl'] });
  });
});
