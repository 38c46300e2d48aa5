// Small JSON files that travel with activations: a split ({"train_idx": [...], "test_idx": [...]}, e.g. the
// one a scikit-learn reference used) or a list of class names (e.g. ["deu", "eng", ...] or {"classes": [...]}).

import { DataFileError } from './errors';

export type JsonSideFile = { kind: 'split'; train: number[]; test: number[] } | { kind: 'classes'; names: string[] };

export function parseJsonSideFile(name: string, text: string): JsonSideFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new DataFileError(name, `not valid JSON: ${(e as Error).message}`, at ? { offset: Number(at) } : {});
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return { kind: 'classes', names: value };
  const classes = (value as { classes?: unknown } | null)?.classes;
  if (Array.isArray(classes) && classes.every((v) => typeof v === 'string')) return { kind: 'classes', names: classes };
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const train = o.train_idx ?? o.train;
    const test = o.test_idx ?? o.test;
    if (Array.isArray(train) && Array.isArray(test)) {
      for (const [key, list] of [
        ['train_idx', train],
        ['test_idx', test],
      ] as const) {
        const bad = list.findIndex((v) => !Number.isInteger(v) || v < 0);
        if (bad >= 0)
          throw new DataFileError(name, `${key}[${bad}] = ${JSON.stringify(list[bad])} is not a row index`, { key });
      }
      return { kind: 'split', train: train as number[], test: test as number[] };
    }
  }
  throw new DataFileError(
    name,
    'JSON must be a split object with "train_idx" and "test_idx" integer arrays, or an array of class names',
  );
}
